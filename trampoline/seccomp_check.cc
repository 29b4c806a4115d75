#include "seccomp_check.h"

#include <asm/unistd_64.h>

namespace interpose::hook {

namespace {

// BPF opcode fields (linux/bpf_common.h).
constexpr uint16_t kClass = 0x07, kLd = 0x00, kLdx = 0x01, kSt = 0x02, kStx = 0x03, kAlu = 0x04, kJmp = 0x05,
                   kRet = 0x06, kMisc = 0x07;
constexpr uint16_t kSize = 0x18, kW = 0x00;
constexpr uint16_t kMode = 0xe0, kImm = 0x00, kAbs = 0x20, kMem = 0x60, kLen = 0x80;
constexpr uint16_t kOp = 0xf0, kSrc = 0x08, kX = 0x08;
constexpr uint16_t kAdd = 0x00, kSub = 0x10, kMul = 0x20, kDiv = 0x30, kOr = 0x40, kAnd = 0x50, kLsh = 0x60,
                   kRsh = 0x70, kNeg = 0x80, kMod = 0x90, kXor = 0xa0;
constexpr uint16_t kJa = 0x00, kJeq = 0x10, kJgt = 0x20, kJge = 0x30, kJset = 0x40;
constexpr uint16_t kTax = 0x00, kTxa = 0x80;
constexpr size_t kMaxInsns = 4096;
constexpr uint32_t kBad = ~0u;

constexpr uint32_t kRetActionFull = 0xffff0000u;
constexpr uint32_t kRetAllow = 0x7fff0000u;
constexpr uint32_t kRetLog = 0x7ffc0000u;
constexpr uint32_t kAuditArchX86_64 = 0xc000003eu;

uint32_t load_word(const SeccompData& d, uint32_t off, bool* ok) {
  if (off % 4 != 0 || off + 4 > sizeof(SeccompData)) {
    *ok = false;
    return 0;
  }
  uint32_t v;
  __builtin_memcpy(&v, reinterpret_cast<const char*>(&d) + off, 4);
  return v;
}

}  // namespace

uint32_t run_bpf(const BpfInsn* prog, size_t len, const SeccompData& in) {
  if (len == 0 || len > kMaxInsns) return kBad;
  uint32_t a = 0, x = 0, mem[16] = {};
  for (size_t pc = 0; pc < len; ++pc) {
    const BpfInsn& i = prog[pc];
    bool ok = true;
    const uint32_t src = (i.code & kSrc) == kX ? x : i.k;
    switch (i.code & kClass) {
      case kLd:
        if ((i.code & kSize) != kW) return kBad;
        switch (i.code & kMode) {
          case kImm: a = i.k; break;
          case kAbs: a = load_word(in, i.k, &ok); break;
          case kMem: if (i.k >= 16) return kBad; a = mem[i.k]; break;
          case kLen: a = sizeof(SeccompData); break;
          default: return kBad;
        }
        break;
      case kLdx:
        switch (i.code & kMode) {
          case kImm: x = i.k; break;
          case kMem: if (i.k >= 16) return kBad; x = mem[i.k]; break;
          case kLen: x = sizeof(SeccompData); break;
          default: return kBad;
        }
        break;
      case kSt: if (i.k >= 16) return kBad; mem[i.k] = a; break;
      case kStx: if (i.k >= 16) return kBad; mem[i.k] = x; break;
      case kAlu:
        switch (i.code & kOp) {
          case kAdd: a += src; break;
          case kSub: a -= src; break;
          case kMul: a *= src; break;
          case kDiv: if (src == 0) return 0; a /= src; break;  // the kernel returns 0 (kill)
          case kMod: if (src == 0) return 0; a %= src; break;
          case kOr: a |= src; break;
          case kAnd: a &= src; break;
          case kXor: a ^= src; break;
          case kLsh: a = src >= 32 ? 0 : a << src; break;
          case kRsh: a = src >= 32 ? 0 : a >> src; break;
          case kNeg: a = 0u - a; break;
          default: return kBad;
        }
        break;
      case kJmp: {
        size_t target;
        if ((i.code & kOp) == kJa) {
          target = pc + 1 + i.k;
        } else {
          bool taken;
          switch (i.code & kOp) {
            case kJeq: taken = a == src; break;
            case kJgt: taken = a > src; break;
            case kJge: taken = a >= src; break;
            case kJset: taken = (a & src) != 0; break;
            default: return kBad;
          }
          target = pc + 1 + (taken ? i.jt : i.jf);
        }
        if (target >= len) return kBad;
        pc = target - 1;
        break;
      }
      case kRet: return (i.code & 0x18) == 0x10 /* BPF_A */ ? a : i.k;
      case kMisc:
        if ((i.code & 0xf8) == kTax) x = a;
        else if ((i.code & 0xf8) == kTxa) a = x;
        else return kBad;
        break;
    }
    if (!ok) return kBad;
  }
  return kBad;  // fell off the end
}

bool filter_spares_runtime(const BpfInsn* prog, size_t len, uint64_t internal_ip) {
  // What the runtime itself calls after start-up: signal handling and return,
  // memory for stacks and patching, thread set-up, SUD, exec checks, messages.
  static constexpr int kNeeded[] = {
      __NR_rt_sigreturn, __NR_rt_sigprocmask, __NR_rt_sigaction, __NR_sigaltstack, __NR_mmap,
      __NR_munmap,       __NR_mprotect,       __NR_mremap,       __NR_prctl,      __NR_arch_prctl,
      __NR_openat,       __NR_read,           __NR_pread64,      __NR_close,      __NR_write,
      __NR_fcntl,        __NR_getpid,         __NR_gettid,       __NR_tgkill,     __NR_exit,
      __NR_exit_group,   __NR_close_range,
  };
  static constexpr uint64_t kProts[] = {0, 3, 5, 7};  // PROT_NONE, RW, RX, RWX as the first args vary
  for (int nr : kNeeded) {
    for (uint64_t p : kProts) {
      SeccompData d{};
      d.nr = nr;
      d.arch = kAuditArchX86_64;
      d.instruction_pointer = internal_ip;
      d.args[2] = p;
      const uint32_t r = run_bpf(prog, len, d);
      const uint32_t action = r & kRetActionFull;
      if (r == kBad || (action != kRetAllow && action != kRetLog)) return false;
    }
  }
  return true;
}

}  // namespace interpose::hook
