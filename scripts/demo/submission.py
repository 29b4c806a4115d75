"""The README demo's student submission: it does its job (word frequencies of
its input, written to its working directory) and, like a curious student, also
tries to look around.  Under `interpose --policy student` the job works and
every look around is refused."""
import collections
import json
import os
import socket
import subprocess
import sys


def attempt(what, fn):
    try:
        fn()
        print(f"  {what:44} allowed")
    except OSError as e:
        print(f"  {what:44} refused: {e.strerror}")


text = sys.stdin.read()
counts = collections.Counter(w.strip(".,;:!?\"'()").lower() for w in text.split())
with open("answer.json", "w") as f:
    json.dump(counts.most_common(5), f)
print("top words:", ", ".join(f"{w} {n}" for w, n in json.load(open("answer.json"))))
print("looking around:")
attempt("read /etc/shadow", lambda: open("/etc/shadow").read())
attempt("read the grader's /tmp files", lambda: os.listdir("/tmp"))
attempt("read /proc/1/environ", lambda: open("/proc/1/environ").read())
attempt("open a TCP socket", lambda: socket.create_connection(("127.0.0.1", 22), timeout=1))
attempt("run a shell", lambda: subprocess.run(["/bin/sh", "-c", "id"]))
attempt("write to the home directory", lambda: open(os.path.expanduser("~/pwned"), "w"))
print("environment it sees:", sorted(os.environ))
