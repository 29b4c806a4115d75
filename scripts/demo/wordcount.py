"""The README demo: an ordinary Python program doing file I/O, threads and a
subprocess, which interpose runs with every syscall going through its runtime."""
import collections
import os
import re
import subprocess
import sys
import tempfile
import threading

SOURCES = "/usr/share/common-licenses"


def count_words(path, counts, lock):
    with open(path, encoding="utf-8", errors="replace") as f:
        words = re.findall(r"[a-z]+", f.read().lower())
    with lock:
        counts.update(words)


def main():
    files = sorted(os.path.join(SOURCES, n) for n in os.listdir(SOURCES))
    files = [f for f in files if os.path.isfile(f)]
    counts, lock = collections.Counter(), threading.Lock()
    threads = [threading.Thread(target=count_words, args=(f, counts, lock)) for f in files]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "words.txt")
        with open(out, "w") as f:
            for word, n in counts.items():
                f.write(f"{n} {word}\n")
        top = subprocess.run(["sort", "-rn", out], capture_output=True, text=True, check=True)
    print(f"{len(files)} files, {sum(counts.values())} words, {len(counts)} distinct; top 5:")
    for line in top.stdout.splitlines()[:5]:
        print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
