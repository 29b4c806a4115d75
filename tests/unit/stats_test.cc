#include "stats.h"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/syscall.h>

namespace interpose::loader {
namespace {

struct TestArena {
  size_t size = arena::total_size(8);
  arena::Header* h = nullptr;
  TestArena() {
    h = static_cast<arena::Header*>(
        mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    arena::format(h, 8, arena::Config{arena::kModeZpoline, 0});
  }
  ~TestArena() { munmap(h, size); }
};

TEST(Stats, SumsBlocksAndRetiredCounts) {
  TestArena a;
  ASSERT_TRUE(arena::valid(a.h, a.size));
  a.h->next_block = 3;
  arena::block_at(a.h, 1)->counts[SYS_read] = 10;
  arena::block_at(a.h, 2)->counts[SYS_read] = 5;
  arena::block_at(a.h, 2)->counts[SYS_write] = 7;
  arena::block_at(a.h, 2)->path_counts[arena::kPathRewritten] = 22;
  arena::block_at(a.h, 5)->counts[SYS_write] = 1000;  // never claimed: not counted
  a.h->retired[SYS_write] = 3;
  a.h->retired_paths[arena::kPathRewritten] = 3;
  const StatsSummary s = summarize(*a.h);
  ASSERT_EQ(s.counts.size(), 2u);
  EXPECT_EQ(s.counts[0].nr, SYS_read);
  EXPECT_EQ(s.counts[0].calls, 15u);
  EXPECT_EQ(s.counts[1].calls, 10u);
  EXPECT_EQ(s.total, 25u);
  EXPECT_EQ(s.paths[arena::kPathRewritten], 25u);
  const std::string text = format_stats(s);
  EXPECT_NE(text.find("15  read"), std::string::npos) << text;
  EXPECT_NE(text.find("25  total"), std::string::npos) << text;
}

TEST(Stats, RejectsForeignMemory) {
  TestArena a;
  a.h->magic = 0;
  EXPECT_FALSE(arena::valid(a.h, a.size));
  TestArena b;
  EXPECT_FALSE(arena::valid(b.h, arena::kHeaderSize));  // mapped too short
}

}  // namespace
}  // namespace interpose::loader
