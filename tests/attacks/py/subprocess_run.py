# threat: running other programs (subprocess uses vfork/posix_spawn)
# expect: blocked
import subprocess
from attacklib import attempt, succeeded

def attack():
    out = subprocess.run(["/bin/echo", "pwned"], capture_output=True, text=True).stdout
    if "pwned" in out:
        succeeded("subprocess ran /bin/echo")

attempt(attack)
