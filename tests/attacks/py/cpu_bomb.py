# threat: burning CPU (resources.cpu; here --cpu 1): killed by SIGXCPU
# expect: killed
# options: --cpu 1
import time
start = time.process_time()
x = 0
while time.process_time() - start < 3:
    x += 1
print("ATTACK-SUCCEEDED burned 3 s of CPU", flush=True)
