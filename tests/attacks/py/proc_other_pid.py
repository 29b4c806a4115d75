# threat: other processes in /proc: listing them, reading the grader's command line
# expect: blocked
import os
from attacklib import GRADER_PID, SECRET, attempt, succeeded

def attack():
    pids = [p for p in os.listdir("/proc") if p.isdigit() and int(p) != os.getpid()]
    if str(GRADER_PID) in pids:
        succeeded(f"saw {len(pids)} other processes, the grader among them")
    cmdline = open(f"/proc/{GRADER_PID}/cmdline", "rb").read()
    if SECRET.encode() in cmdline:
        succeeded("read the grader's command line")

attempt(attack)
