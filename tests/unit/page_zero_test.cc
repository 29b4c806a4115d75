#include "page_zero.h"

#include <Zydis/Zydis.h>
#include <gtest/gtest.h>

#include <cstring>

#include "syscall_names.h"
#include <vector>

namespace interpose::hook {
namespace {

constexpr uint64_t kEntry = 0x7f1234567890ULL;

// Follows execution from `pc` through the image (decoding only; nops and the one
// indirect jump), returning where control leaves page 0.
uint64_t run_from(const std::vector<uint8_t>& page, uint64_t pc, int* steps) {
  ZydisDecoder d;
  ZydisDecoderInit(&d, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
  uint64_t r11 = 0;
  for (*steps = 0; *steps < 10000; ++*steps) {
    ZydisDecodedInstruction insn;
    ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
    if (!ZYAN_SUCCESS(ZydisDecoderDecodeFull(&d, page.data() + pc, page.size() - pc, &insn, ops))) return ~0ULL;
    if (insn.mnemonic == ZYDIS_MNEMONIC_NOP) {
      pc += insn.length;
    } else if (insn.mnemonic == ZYDIS_MNEMONIC_MOV && ops[0].reg.value == ZYDIS_REGISTER_R11) {
      r11 = static_cast<uint64_t>(ops[1].imm.value.u);
      pc += insn.length;
    } else if (insn.mnemonic == ZYDIS_MNEMONIC_JMP && ops[0].reg.value == ZYDIS_REGISTER_R11) {
      return r11;
    } else if (insn.mnemonic == ZYDIS_MNEMONIC_HLT) {
      return 0xdead;
    } else {
      return ~0ULL;
    }
  }
  return ~0ULL;
}

TEST(PageZero, EverySyscallNumberReachesTheEntry) {
  std::vector<uint8_t> page(INTERPOSE_PAGE_ZERO_SIZE);
  build_page_zero(page.data(), kEntry);
  for (uint64_t nr = 0; nr < INTERPOSE_SLED_SIZE; ++nr) {
    int steps = 0;
    ASSERT_EQ(run_from(page, nr, &steps), kEntry) << "entering at " << nr;
  }
}

TEST(PageZero, PastTheSledFaults) {
  std::vector<uint8_t> page(INTERPOSE_PAGE_ZERO_SIZE);
  build_page_zero(page.data(), kEntry);
  for (uint64_t at = kSledEnd + 13; at < page.size(); at += 97) {
    int steps = 0;
    EXPECT_EQ(run_from(page, at, &steps), 0xdeadu) << at;
  }
  EXPECT_EQ(page.back(), 0xf4);
}

TEST(PageZero, SledCoversTheKernelTable) {
  static_assert(INTERPOSE_SLED_SIZE > interpose::kMaxSyscall);
  EXPECT_GT(INTERPOSE_SLED_SIZE, 450) << "x86-64 syscall numbers run past 450";
}

}  // namespace
}  // namespace interpose::hook
