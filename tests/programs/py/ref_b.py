# Reference solution B: line-oriented text processing with appends and renames.
import os, sys, tempfile
d = tempfile.mkdtemp()
src = os.path.join(d, "in.txt")
with open(src, "w") as f:
    for i in range(2000):
        f.write(f"{i} {i % 13}\n")
counts = {}
with open(src) as f:
    for line in f:
        k = line.split()[1]
        counts[k] = counts.get(k, 0) + 1
out = os.path.join(d, "out.txt")
for k in sorted(counts):
    with open(out, "a") as f:
        f.write(f"{k} {counts[k]}\n")
os.rename(out, out + ".done")
print("ref_b", sum(counts.values()), len(os.listdir(d)))
for name in os.listdir(d):
    os.unlink(os.path.join(d, name))
os.rmdir(d)
