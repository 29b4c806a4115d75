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
    case Verdict::kUnreached: return "unreached";
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

bool test(const uint64_t* bits, size_t i) { return (bits[i / 64] >> (i % 64)) & 1; }
void set(uint64_t* bits, size_t i) { bits[i / 64] |= uint64_t{1} << (i % 64); }

// What a decoded instruction does to the flow of control.
enum class Flow { kNext, kBranch, kJump, kStop };

Flow flow_of(const ZydisDecodedInstruction& insn) {
  switch (insn.meta.category) {
    case ZYDIS_CATEGORY_COND_BR: return Flow::kBranch;
    case ZYDIS_CATEGORY_UNCOND_BR: return Flow::kJump;
    case ZYDIS_CATEGORY_RET: return Flow::kStop;
    default: break;
  }
  switch (insn.mnemonic) {
    case ZYDIS_MNEMONIC_HLT:
    case ZYDIS_MNEMONIC_UD0:
    case ZYDIS_MNEMONIC_UD1:
    case ZYDIS_MNEMONIC_UD2:
    case ZYDIS_MNEMONIC_INT3:
      return Flow::kStop;
    default:
      return Flow::kNext;
  }
}

}  // namespace

FunctionFacts scan_function(ByteView code, FunctionMap* map, SyscallSink sink, void* ctx) {
  FunctionFacts facts;
  facts.begin = code.addr;
  facts.end = code.addr + code.size;
  if (code.size > FunctionMap::kMaxBytes) {
    facts.too_big = true;
    return facts;
  }
  const size_t words = (code.size + 63) / 64;
  for (size_t i = 0; i < words; ++i) map->starts[i] = map->covered[i] = 0;
  map->code = code.data;
  map->size = code.size;
  map->have_linear = false;
  if (code.size == 0) return facts;

  ZydisDecoder decoder;
  ZydisDecoderInit(&decoder, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
  bool rbp_below_slot = false;  // [rbp - k] touching the slot below rbp
  bool frame_from_rsp = false;  // mov %rsp, %rbp
  bool rsp_lowered = false;     // sub/lea/and writing rsp: a real frame exists
  size_t pending = 0;
  map->pending[pending++] = 0;
  while (pending > 0) {
    size_t off = map->pending[--pending];
    while (off < code.size) {
      if (test(map->starts, off)) break;  // joined a path already followed
      if (test(map->covered, off)) {      // jumps into the middle of an instruction
        facts.inconsistent = true;
        break;
      }
      ZydisDecodedInstruction insn;
      ZydisDecoderContext context;
      if (!ZYAN_SUCCESS(ZydisDecoderDecodeInstruction(&decoder, &context, code.data + off, code.size - off, &insn))) {
        facts.decode_failed = true;
        break;
      }
      // Operands only where they matter: memory operands that may be based on
      // rsp or rbp (ModRM r/m 4 with a SIB, or 5), writes to rsp or rbp, branches.
      ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
      const Flow flow = flow_of(insn);
      const bool modrm = (insn.attributes & ZYDIS_ATTRIB_HAS_MODRM) != 0;
      const uint8_t rm = insn.raw.modrm.rm, reg = insn.raw.modrm.reg, mod = insn.raw.modrm.mod;
      const bool stackish = modrm && ((mod != 3 && (rm == 4 || rm == 5)) || (mod == 3 && (rm == 4 || rm == 5 || reg == 4 || reg == 5)));
      const bool need_ops = stackish || flow == Flow::kBranch || flow == Flow::kJump;
      unsigned visible = 0;
      if (need_ops) {
        if (!ZYAN_SUCCESS(ZydisDecoderDecodeOperands(&decoder, &context, &insn, ops, insn.operand_count))) {
          facts.decode_failed = true;
          break;
        }
        visible = insn.operand_count_visible;
      }
      for (size_t k = off + 1; k < off + insn.length; ++k) {
        if (test(map->starts, k)) facts.inconsistent = true;
        set(map->covered, k);
      }
      set(map->starts, off);
      set(map->covered, off);
      const uint64_t at = code.addr + off;
      if (insn.mnemonic == ZYDIS_MNEMONIC_SYSCALL && insn.length == 2 && code.data[off] == 0x0f &&
          code.data[off + 1] == 0x05) {
        ++facts.syscalls;
        if (sink != nullptr) sink(ctx, at);
      }
      for (unsigned i = 0; i < visible; ++i) {
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
      if (visible >= 2 && ops[0].type == ZYDIS_OPERAND_TYPE_REGISTER &&
          (ops[0].actions & ZYDIS_OPERAND_ACTION_MASK_WRITE)) {
        const ZydisRegister dst = ops[0].reg.value;
        if (is_rbp(dst) && insn.mnemonic == ZYDIS_MNEMONIC_MOV && ops[1].type == ZYDIS_OPERAND_TYPE_REGISTER &&
            is_rsp(ops[1].reg.value))
          frame_from_rsp = true;
        if (is_rsp(dst) && (insn.mnemonic == ZYDIS_MNEMONIC_SUB || insn.mnemonic == ZYDIS_MNEMONIC_AND ||
                            (insn.mnemonic == ZYDIS_MNEMONIC_LEA && ops[1].mem.disp.value < 0)))
          rsp_lowered = true;
      }
      if (flow == Flow::kBranch || flow == Flow::kJump) {
        ZyanU64 target;
        if (visible >= 1 && ops[0].type == ZYDIS_OPERAND_TYPE_IMMEDIATE &&
            ZYAN_SUCCESS(ZydisCalcAbsoluteAddress(&insn, &ops[0], at, &target)) && target >= code.addr &&
            target < code.addr + code.size) {
          if (pending < FunctionMap::kMaxPending) map->pending[pending++] = static_cast<uint32_t>(target - code.addr);
          else facts.decode_failed = true;  // too many paths to follow: trust nothing unreached
        }
        if (flow == Flow::kJump) break;
      } else if (flow == Flow::kStop) {
        break;
      }
      off += insn.length;
    }
  }
  // A frame pointer equal to rsp makes [rbp - 8] the slot the call overwrites.
  if (frame_from_rsp && rbp_below_slot && !rsp_lowered) facts.uses_red_zone = true;
  return facts;
}

Verdict classify(uint64_t addr, const FunctionFacts& facts, FunctionMap& map) {
  if (addr < facts.begin || addr >= facts.end) return Verdict::kNoFunction;
  if (facts.too_big || facts.inconsistent) return Verdict::kUndecodable;
  const size_t off = addr - facts.begin;
  if (!test(map.starts, off)) {
    // Not reached.  Reported as a site left alone only if it at least looks like
    // an instruction to a linear sweep (code behind a jump table, say).
    if (test(map.covered, off)) return Verdict::kNotInstruction;
    if (facts.decode_failed) return Verdict::kUndecodable;
    if (!map.have_linear) {
      for (size_t i = 0; i < (map.size + 63) / 64; ++i) map.linear[i] = 0;
      ZydisDecoder decoder;
      ZydisDecoderInit(&decoder, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
      ZydisDecodedInstruction insn;
      for (size_t at = 0; at < map.size; at += insn.length) {
        if (!ZYAN_SUCCESS(ZydisDecoderDecodeInstruction(&decoder, nullptr, map.code + at, map.size - at, &insn))) break;
        set(map.linear, at);
      }
      map.have_linear = true;
    }
    return test(map.linear, off) ? Verdict::kUnreached : Verdict::kNotInstruction;
  }
  // A reached instruction: the caller asks about syscalls only.
  if (facts.uses_red_zone) return Verdict::kRedZone;
  if (!fits_cache_line(addr)) return Verdict::kCacheLine;
  return Verdict::kRewrite;
}

}  // namespace interpose::rewriter
