# threat: multiprocessing (fork server, worker processes)
# expect: blocked
import multiprocessing
from attacklib import attempt, succeeded

def square(x):
    return x * x

def attack():
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(2) as pool:
        if pool.map(square, [1, 2, 3]) == [1, 4, 9]:
            succeeded("a pool of worker processes ran")

if __name__ == "__main__":
    attempt(attack)
