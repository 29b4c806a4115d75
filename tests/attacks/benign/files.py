# benign: writing, renaming, deleting, directories, a temporary directory
import os
import shutil
import tempfile
os.makedirs("work/sub", exist_ok=True)
with open("work/a.txt", "w") as f:
    f.write("alpha\n")
os.rename("work/a.txt", "work/sub/b.txt")
shutil.copy("work/sub/b.txt", "work/c.txt")
os.chmod("work/c.txt", 0o600)
print(sorted(os.listdir("work")), sorted(os.listdir("work/sub")))
print([(d.replace(os.getcwd(), "."), sorted(f)) for d, _, f in os.walk("work")])
os.unlink("work/c.txt")
shutil.rmtree("work")
print(os.path.exists("work"))
with tempfile.TemporaryDirectory() as d:
    p = os.path.join(d, "t.txt")
    with open(p, "w") as f:
        f.write("temp")
    print(open(p).read(), os.path.getsize(p))
with tempfile.NamedTemporaryFile("w+") as t:
    t.write("named")
    t.seek(0)
    print(t.read())
print("BENIGN-OK")
