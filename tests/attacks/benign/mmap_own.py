# benign: mmap of a file of its own
import mmap
with open("data.bin", "wb") as f:
    f.write(b"hello world " * 1000)
with open("data.bin", "r+b") as f:
    m = mmap.mmap(f.fileno(), 0)
    m[0:5] = b"HELLO"
    m.flush()
    print(m[:11], len(m))
    m.close()
print(open("data.bin", "rb").read(11))
print("BENIGN-OK")
