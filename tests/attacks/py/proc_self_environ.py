# threat: the environment the process started with, from /proc/self/environ
# expect: blocked
from attacklib import SECRET, attempt, blocked, succeeded

def attack():
    data = open("/proc/self/environ", "rb").read()
    if SECRET.encode() in data:
        succeeded("/proc/self/environ holds the secret")
    else:
        blocked("/proc/self/environ readable but without the secret")

attempt(attack)
