#include "rewriter.h"

#include <Zydis/Zydis.h>

namespace interpose::rewriter {

const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::kRewrite: return "rewrite";
    case Verdict::kRedZone: return "red-zone";
    case Verdict::kCacheLine: return "cache-line";
    case Verdict::kNoFunction: return "no-function-info";
    case Verdict::kUndecodable: return "undecodable";
    case Verdict::kNotInstruction: return "not-an-instruction";
  }
  return "?";
}

namespace {

bool is_rsp(ZydisRegister r) { return r == ZYDIS_REGISTER_RSP || r == ZYDIS_REGISTER_ESP; }
bool is_rbp(ZydisRegister r) { return r == ZYDIS_REGISTER_RBP || r == ZYDIS_REGISTER_EBP; }

// Does [base + disp, +size) overlap the 8 bytes just below base?
bool touches_call_slot(int64_t disp, uint64_t size_bits) {
  const int64_t size = static_cast<int64_t>((size_bits + 7) / 8);
  return disp < 0 && disp + (size == 0 ? 1 : size) > -8;
}

}  // namespace

FunctionFacts scan_function(ByteView code, SyscallSink sink, void* ctx) {
  FunctionFacts facts;
  facts.begin = code.addr;
  facts.end = code.addr + code.size;
  ZydisDecoder decoder;
  ZydisDecoderInit(&decoder, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);

  bool rbp_below_slot = false;  // [rbp - k] touching the slot below rbp
  bool frame_from_rsp = false;  // mov %rsp, %rbp
  bool rsp_lowered = false;     // sub/lea/and/add writing rsp: a real frame exists
  size_t off = 0;
  while (off < code.size) {
    ZydisDecodedInstruction insn;
    ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
    if (!ZYAN_SUCCESS(ZydisDecoderDecodeFull(&decoder, code.data + off, code.size - off, &insn, ops)))
      break;
    const uint64_t at = code.addr + off;
    if (insn.mnemonic == ZYDIS_MNEMONIC_SYSCALL && insn.length == 2 &&
        code.data[off] == 0x0f && code.data[off + 1] == 0x05) {
      ++facts.syscalls;
      if (sink != nullptr) sink(ctx, at);
    }
    for (unsigned i = 0; i < insn.operand_count_visible; ++i) {
      const ZydisDecodedOperand& op = ops[i];
      if (op.type != ZYDIS_OPERAND_TYPE_MEMORY || op.mem.index != ZYDIS_REGISTER_NONE) continue;
      const int64_t disp = op.mem.disp.has_displacement ? op.mem.disp.value : 0;
      if (op.mem.type == ZYDIS_MEMOP_TYPE_MEM) {
        if (is_rsp(op.mem.base) && touches_call_slot(disp, op.size)) facts.uses_red_zone = true;
        if (is_rbp(op.mem.base) && touches_call_slot(disp, op.size)) rbp_below_slot = true;
      } else if (op.mem.type == ZYDIS_MEMOP_TYPE_AGEN && is_rsp(op.mem.base) && disp < 0) {
        // A pointer into the red zone escapes (often to the kernel, which then
        // writes through it): no telling which bytes it covers.
        facts.uses_red_zone = true;
      }
    }
    if (insn.operand_count_visible >= 2 && ops[0].type == ZYDIS_OPERAND_TYPE_REGISTER &&
        (ops[0].actions & ZYDIS_OPERAND_ACTION_MASK_WRITE)) {
      const ZydisRegister dst = ops[0].reg.value;
      if (is_rbp(dst) && insn.mnemonic == ZYDIS_MNEMONIC_MOV &&
          ops[1].type == ZYDIS_OPERAND_TYPE_REGISTER && is_rsp(ops[1].reg.value))
        frame_from_rsp = true;
      if (is_rsp(dst) && (insn.mnemonic == ZYDIS_MNEMONIC_SUB || insn.mnemonic == ZYDIS_MNEMONIC_AND ||
                          (insn.mnemonic == ZYDIS_MNEMONIC_LEA && ops[1].mem.disp.value < 0)))
        rsp_lowered = true;
    }
    off += insn.length;
  }
  facts.decoded_until = code.addr + off;
  // A frame pointer equal to rsp makes [rbp - 8] the slot the call overwrites.
  if (frame_from_rsp && rbp_below_slot && !rsp_lowered) facts.uses_red_zone = true;
  return facts;
}

Verdict judge_site(uint64_t site, const FunctionFacts& facts) {
  if (site < facts.begin || site >= facts.end) return Verdict::kNoFunction;
  if (site >= facts.decoded_until) return Verdict::kUndecodable;
  if (facts.uses_red_zone) return Verdict::kRedZone;
  if (!fits_cache_line(site)) return Verdict::kCacheLine;
  return Verdict::kRewrite;
}

}  // namespace interpose::rewriter
