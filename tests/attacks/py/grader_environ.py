# threat: another process's environment (/proc/<pid>/environ of the grader)
# expect: blocked
from attacklib import GRADER_PID, SECRET, attempt, blocked, succeeded

def attack():
    data = open(f"/proc/{GRADER_PID}/environ", "rb").read()
    if SECRET.encode() in data:
        succeeded(f"/proc/{GRADER_PID}/environ holds the secret")
    else:
        blocked("no secret there")

attempt(attack)
