# A student's submission: the same kind of I/O as the reference solutions, its own way.
import json, os, tempfile
d = tempfile.mkdtemp()
scores = {}
for i in range(400):
    path = os.path.join(d, f"s{i}.txt")
    with open(path, "w") as f:
        f.write(json.dumps([i] * (i % 9)) + "\n")
for name in os.listdir(d):
    path = os.path.join(d, name)
    if os.stat(path).st_size > 0:
        with open(path) as f:
            scores[name] = len(json.loads(f.readline()))
with open(os.path.join(d, "summary.txt"), "a") as f:
    f.write(f"{sum(scores.values())}\n")
for name in os.listdir(d):
    os.unlink(os.path.join(d, name))
os.rmdir(d)
print("student", sum(scores.values()), len(scores))
