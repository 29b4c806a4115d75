# benign: the numeric standard library
import cmath
import decimal
import fractions
import math
import random
import statistics
random.seed(7)
xs = [random.gauss(0, 1) for _ in range(1000)]
print(round(statistics.mean(xs), 6), round(statistics.stdev(xs), 6))
print(fractions.Fraction(355, 113) - fractions.Fraction(22, 7))
decimal.getcontext().prec = 50
print(decimal.Decimal(2).sqrt())
print(math.comb(50, 25), math.factorial(20), round(math.pi, 10), cmath.exp(1j * math.pi))
print("BENIGN-OK")
