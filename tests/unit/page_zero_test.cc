#include "page_zero.h"

#include <Zydis/Zydis.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "syscall_names.h"

namespace interpose::hook {
namespace {

// A stand-in for the gate blob: xor %r11d,%r11d; ud2.
const std::vector<uint8_t> kBlob = {0x45, 0x31, 0xdb, 0x0f, 0x0b};

// Follows execution from `pc` through nops; returns where the first other
// instruction starts (and in *steps how many nops ran).
uint64_t slide_from(const std::vector<uint8_t>& page, uint64_t pc, int* ran = nullptr) {
  ZydisDecoder d;
  ZydisDecoderInit(&d, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
  for (int steps = 0; steps < 10000; ++steps) {
    ZydisDecodedInstruction insn;
    if (!ZYAN_SUCCESS(ZydisDecoderDecodeInstruction(&d, nullptr, page.data() + pc, page.size() - pc, &insn)))
      return ~0ULL;
    if (insn.mnemonic != ZYDIS_MNEMONIC_NOP) {
      if (ran != nullptr) *ran = steps;
      return pc;
    }
    pc += insn.length;
  }
  return ~0ULL;
}

TEST(PageZero, EverySyscallNumberSlidesIntoTheBlob) {
  std::vector<uint8_t> page(INTERPOSE_PAGE_ZERO_SIZE);
  build_page_zero(page.data(), kBlob.data(), kBlob.size());
  for (uint64_t nr = 0; nr < INTERPOSE_SLED_SIZE; ++nr) ASSERT_EQ(slide_from(page, nr), kSledEnd) << "entering at " << nr;
  EXPECT_TRUE(std::equal(kBlob.begin(), kBlob.end(), page.begin() + kSledEnd));
}

// The lowest numbers (read, write) slide the furthest: prefixed nops keep that
// to a few dozen instructions instead of 512 single-byte nops.
TEST(PageZero, TheSlideIsShort) {
  std::vector<uint8_t> page(INTERPOSE_PAGE_ZERO_SIZE);
  build_page_zero(page.data(), kBlob.data(), kBlob.size());
  int worst = 0;
  for (uint64_t nr = 0; nr < INTERPOSE_SLED_SIZE; ++nr) {
    int ran = 0;
    ASSERT_EQ(slide_from(page, nr, &ran), kSledEnd);
    worst = std::max(worst, ran);
  }
  EXPECT_LE(worst, static_cast<int>((INTERPOSE_SLED_SIZE + kSledChunk - 1) / kSledChunk));
  EXPECT_LE(kSledChunk, 15u) << "no x86 instruction is longer";
}

TEST(PageZero, PastTheBlobFaults) {
  std::vector<uint8_t> page(INTERPOSE_PAGE_ZERO_SIZE);
  build_page_zero(page.data(), kBlob.data(), kBlob.size());
  for (size_t at = kSledEnd + kBlob.size(); at < page.size(); ++at) ASSERT_EQ(page[at], 0xf4) << at;  // hlt
}

TEST(PageZero, GatePageOfItsOwn) {
  std::vector<uint8_t> page(INTERPOSE_PAGE_ZERO_SIZE);
  build_gate_page(page.data(), kBlob.data(), kBlob.size());
  EXPECT_TRUE(std::equal(kBlob.begin(), kBlob.end(), page.begin()));
  EXPECT_EQ(page[kBlob.size()], 0xf4);
  EXPECT_EQ(page.back(), 0xf4);
}

TEST(PageZero, SledCoversTheKernelTable) {
  static_assert(INTERPOSE_SLED_SIZE > interpose::kMaxSyscall);
  EXPECT_GT(INTERPOSE_SLED_SIZE, 450) << "x86-64 syscall numbers run past 450";
}

}  // namespace
}  // namespace interpose::hook
