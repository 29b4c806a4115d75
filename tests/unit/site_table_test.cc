#include "site_table.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <thread>
#include <vector>

namespace interpose::hook {
namespace {

TEST(SiteTable, InsertAndLookup) {
  std::vector<uint64_t> mem(SiteTable::bytes_for(100) / 8);
  SiteTable t;
  t.init(mem.data(), mem.size() * 8);
  EXPECT_FALSE(t.contains(0x401000));
  EXPECT_TRUE(t.insert(0x401000));
  EXPECT_TRUE(t.insert(0x401000));  // idempotent
  EXPECT_EQ(t.size(), 1u);
  EXPECT_TRUE(t.contains(0x401000));
  EXPECT_FALSE(t.contains(0x401002));
  EXPECT_FALSE(t.insert(0));
}

TEST(SiteTable, ManyAddresses) {
  std::mt19937_64 rng(42);
  std::set<uint64_t> in;
  while (in.size() < 5000) in.insert((rng() & 0x7fffffffffffULL) | 1);
  std::vector<uint64_t> mem(SiteTable::bytes_for(in.size()) / 8);
  SiteTable t;
  t.init(mem.data(), mem.size() * 8);
  for (uint64_t a : in) ASSERT_TRUE(t.insert(a));
  for (uint64_t a : in) EXPECT_TRUE(t.contains(a));
  size_t false_hits = 0;
  for (int i = 0; i < 100000; ++i) {
    const uint64_t a = (rng() & 0x7fffffffffffULL) | 1;
    if (!in.count(a) && t.contains(a)) ++false_hits;
  }
  EXPECT_EQ(false_hits, 0u);
}

TEST(SiteTable, RefusesWhenFull) {
  std::vector<uint64_t> mem(16);
  SiteTable t;
  t.init(mem.data(), mem.size() * 8);
  size_t ok = 0;
  for (uint64_t a = 1; a < 100; ++a) ok += t.insert(a * 0x10);
  EXPECT_EQ(ok, 12u);  // load factor capped at 3/4
  for (uint64_t a = 1; a < 100; ++a) (void)t.contains(a);  // lookups still terminate
}

TEST(SiteTable, ConcurrentInserts) {
  std::vector<uint64_t> mem(SiteTable::bytes_for(8000) / 8);
  SiteTable t;
  t.init(mem.data(), mem.size() * 8);
  std::vector<std::thread> threads;
  for (int k = 0; k < 8; ++k)
    threads.emplace_back([&t, k] {
      for (uint64_t i = 0; i < 1000; ++i) t.insert(0x10000 + (i * 8 + k) * 7);
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(t.size(), 8000u);
  for (uint64_t v = 0; v < 8000; ++v) EXPECT_TRUE(t.contains(0x10000 + v * 7));
}

}  // namespace
}  // namespace interpose::hook
