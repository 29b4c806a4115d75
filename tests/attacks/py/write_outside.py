# threat: writing outside the working directory (the grader's files, other runs')
# expect: blocked
from attacklib import SECRET_FILE, attempt, succeeded

def attack():
    with open(SECRET_FILE, "a") as f:
        f.write("tampered\n")
    succeeded(f"appended to {SECRET_FILE}")

attempt(attack)
