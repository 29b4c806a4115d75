# benign: threads (a pool, a queue, an event)
import concurrent.futures
import queue
import threading

def work(n):
    return sum(i * i for i in range(n))

with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
    results = list(pool.map(work, range(1000, 1016)))
print(sum(results))
q = queue.Queue()
done = threading.Event()

def producer():
    for i in range(100):
        q.put(i)
    done.set()

t = threading.Thread(target=producer)
t.start()
t.join()
done.wait()
print(sum(q.get() for _ in range(100)))
print("BENIGN-OK")
