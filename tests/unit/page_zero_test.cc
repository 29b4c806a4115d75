#include "page_zero.h"

#include <Zydis/Zydis.h>
#include <gtest/gtest.h>

#include <vector>

#include "syscall_names.h"

namespace interpose::hook {
namespace {

// A stand-in for the gate blob: xor %r11d,%r11d; ud2.
const std::vector<uint8_t> kBlob = {0x45, 0x31, 0xdb, 0x0f, 0x0b};

// Follows execution from `pc` through nops; returns where the first other
// instruction starts.
uint64_t slide_from(const std::vector<uint8_t>& page, uint64_t pc) {
  ZydisDecoder d;
  ZydisDecoderInit(&d, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
  for (int steps = 0; steps < 10000; ++steps) {
    ZydisDecodedInstruction insn;
    if (!ZYAN_SUCCESS(ZydisDecoderDecodeInstruction(&d, nullptr, page.data() + pc, page.size() - pc, &insn)))
      return ~0ULL;
    if (insn.mnemonic != ZYDIS_MNEMONIC_NOP) return pc;
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
