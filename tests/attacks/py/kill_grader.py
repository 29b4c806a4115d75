# threat: signalling a process outside the program's own process group (the grader)
# expect: blocked
import os
from attacklib import GRADER_PID, attempt, succeeded

def attack():
    os.kill(GRADER_PID, 0)
    succeeded("may signal the grader")

attempt(attack)
