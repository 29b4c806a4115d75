# threat: red-team round 4: kill(-1) reaches every process of the user, however -1 is written
# expect: blocked
# needs: root
from attacklib import blocked, succeeded, syscall

results = []
for encoding in (-1, 0xffffffff, 0xffffffffffffffff - (1 << 64), 0x7fffffff00000000 | 0xffffffff):
    r, err = syscall(62, encoding, 0)  # kill(pid, 0): "may I signal them all?"
    results.append((hex(encoding & 0xffffffffffffffff), r, err))
if any(r == 0 for _, r, _ in results):
    succeeded(f"kill(-1, 0) allowed: {results}")
else:
    blocked(f"every encoding refused: {results}")
