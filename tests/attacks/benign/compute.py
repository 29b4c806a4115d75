# benign: plain computation
def primes(n):
    sieve = bytearray([1]) * n
    sieve[0:2] = b"\0\0"
    for i in range(2, int(n ** 0.5) + 1):
        if sieve[i]:
            sieve[i * i::i] = bytearray(len(sieve[i * i::i]))
    return [i for i, v in enumerate(sieve) if v]

p = primes(200000)
print(len(p), sum(p), p[-1])
fib = [0, 1]
for _ in range(200):
    fib.append(fib[-1] + fib[-2])
print(fib[-1] % 1000000007)
print(sorted([(x * 7919) % 1009 for x in range(50)])[:10])
print("BENIGN-OK")
