# threat: never finishing (the wall-clock --timeout; here 1 s): the process group is killed
# expect: killed:124
# options: --timeout 1
import time
time.sleep(4)
print("ATTACK-SUCCEEDED outlived the timeout", flush=True)
