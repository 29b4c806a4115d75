# Reference solution A: writes and reads JSON files in a scratch directory.
import json, os, sys, tempfile
d = tempfile.mkdtemp()
for i in range(150):
    with open(os.path.join(d, f"a{i}.json"), "w") as f:
        json.dump({"i": i, "sq": i * i}, f)
total = 0
for name in sorted(os.listdir(d)):
    path = os.path.join(d, name)
    os.stat(path)
    with open(path) as f:
        total += json.load(f)["sq"]
for name in os.listdir(d):
    os.remove(os.path.join(d, name))
os.rmdir(d)
print("ref_a", total)
