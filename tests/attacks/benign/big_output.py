# benign: 2 MB of output
import sys
line = "x" * 99 + "\n"
for i in range(21000):
    sys.stdout.write(line)
print("BENIGN-OK")
