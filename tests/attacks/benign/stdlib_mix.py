# benign: a spread of the standard library (sqlite in memory, hashing, compression, dates, regexes, asyncio)
import asyncio
import base64
import collections
import csv
import datetime
import hashlib
import io
import re
import sqlite3
import uuid
import zlib

db = sqlite3.connect(":memory:")
db.execute("create table t (k text, v int)")
db.executemany("insert into t values (?, ?)", [("a", 1), ("b", 2), ("a", 3)])
print(db.execute("select k, sum(v) from t group by k order by k").fetchall())
print(hashlib.sha256(b"interpose").hexdigest()[:16], len(zlib.compress(b"a" * 10000)))
print(base64.b64encode(b"grader").decode(), collections.Counter("mississippi").most_common(2))
print(re.findall(r"\d+", "a1b22c333"), datetime.date(2024, 2, 29).isoformat())
out = io.StringIO()
csv.writer(out).writerows([[1, 2], [3, 4]])
print(out.getvalue().split())
print(uuid.UUID(int=5))

async def main():
    async def job(i):
        await asyncio.sleep(0.01)
        return i * 2
    return await asyncio.gather(*(job(i) for i in range(5)))

print(asyncio.run(main()))
print("BENIGN-OK")
