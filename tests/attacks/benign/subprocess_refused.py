# benign: a refused subprocess is an error the program can catch and carry on from
# compare: no
import subprocess
try:
    subprocess.run(["/bin/true"], check=True)
    print("subprocess ran")
except OSError as e:
    print("subprocess refused:", type(e).__name__, e.errno)
print("BENIGN-OK")
