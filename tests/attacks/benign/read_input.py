# benign: reading its input file and stdin
import sys
with open("input.txt") as f:
    words = f.read().split()
stdin = sys.stdin.read()
print(len(words), words[:3], len(stdin.split()))
print("BENIGN-OK")
