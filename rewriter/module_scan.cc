#include "module_scan.h"

#include <emmintrin.h>
#include <string.h>
#include <sys/mman.h>

namespace interpose::rewriter {

namespace {

int prot_of(const ElfW(Phdr) & p) {
  return ((p.p_flags & PF_R) ? PROT_READ : 0) | ((p.p_flags & PF_W) ? PROT_WRITE : 0) |
         ((p.p_flags & PF_X) ? PROT_EXEC : 0);
}

ByteView segment_view(const ModuleImage& m, const ElfW(Phdr) & p) {
  return ByteView{reinterpret_cast<const uint8_t*>(m.bias + p.p_vaddr), p.p_filesz, m.bias + p.p_vaddr};
}

const ElfW(Phdr) * segment_containing(const ModuleImage& m, uint64_t addr) {
  for (size_t i = 0; i < m.phnum; ++i) {
    const ElfW(Phdr)& p = m.phdr[i];
    if (p.p_type == PT_LOAD && addr >= m.bias + p.p_vaddr && addr - (m.bias + p.p_vaddr) < p.p_filesz)
      return &p;
  }
  return nullptr;
}

// Longest stretch between two FDEs that may be decoded as the first one's tail.
constexpr uint64_t kMaxCfiGap = 64;

// Decoding scratch.  Every caller is single-threaded by construction: the
// runtime's constructor, lazy rewriting (under its patching flag), host tools.
FunctionMap g_map;

// The unwind index of a module: .eh_frame_hdr (PT_GNU_EH_FRAME) and the segment
// holding .eh_frame.
FdeIndex unwind_index(const ModuleImage& m) {
  ByteView hdr, frame;
  for (size_t i = 0; i < m.phnum; ++i) {
    if (m.phdr[i].p_type != PT_GNU_EH_FRAME) continue;
    const uint64_t at = m.bias + m.phdr[i].p_vaddr;
    if (const ElfW(Phdr)* seg = segment_containing(m, at)) {
      hdr = ByteView{reinterpret_cast<const uint8_t*>(at), m.phdr[i].p_memsz, at};
      frame = segment_view(m, *seg);
    }
  }
  return FdeIndex(hdr, frame);
}

// The function an address belongs to, by unwind info.  Code whose CFI stops early
// on purpose (glibc's clone and clone3 end their FDE right before the syscall,
// since the child's unwind info would be wrong) is found too: a short gap that
// decodes from the end of one FDE exactly to the start of the next is the rest of
// that function (checked by the caller: `*gap` is set).
bool function_of(const FdeIndex& index, uint64_t addr, FunctionRange* f, bool* gap) {
  *gap = false;
  if (index.lookup(addr, f) == EhStatus::kOk) return true;
  FunctionRange before, after;
  if (index.neighbors(addr, &before, &after) != EhStatus::kOk || after.begin - before.end > kMaxCfiGap)
    return false;
  *f = FunctionRange{before.begin, after.begin};
  *gap = true;
  return true;
}

}  // namespace

// glibc's memmem walks a two-byte needle one byte at a time; a module's text is
// megabytes (python3: 6 MB) and this runs in every image's start-up, so compare
// 16 positions at once: a byte 0f whose successor is 05.
const uint8_t* find_syscall_pair(const uint8_t* p, const uint8_t* end) {
  const __m128i op0 = _mm_set1_epi8(0x0f), op1 = _mm_set1_epi8(0x05);
  while (end - p >= 17) {
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 1));
    const int mask = _mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(a, op0), _mm_cmpeq_epi8(b, op1)));
    if (mask != 0) return p + __builtin_ctz(static_cast<unsigned>(mask));
    p += 16;
  }
  for (; end - p >= 2; ++p)
    if (p[0] == 0x0f && p[1] == 0x05) return p;
  return nullptr;
}

bool module_contains(const ModuleImage& m, uintptr_t addr) {
  for (size_t i = 0; i < m.phnum; ++i) {
    const ElfW(Phdr)& p = m.phdr[i];
    if (p.p_type == PT_LOAD && addr >= m.bias + p.p_vaddr && addr - (m.bias + p.p_vaddr) < p.p_memsz)
      return true;
  }
  return false;
}

Verdict judge_address(const ModuleImage& m, uint64_t site, int* prot) {
  const ElfW(Phdr)* seg = segment_containing(m, site);
  if (seg == nullptr || !(seg->p_flags & PF_X)) return Verdict::kNoFunction;
  *prot = prot_of(*seg);
  const ByteView view = segment_view(m, *seg);
  if (!view.contains(site, 2)) return Verdict::kNoFunction;
  const FdeIndex index = unwind_index(m);
  FunctionRange f;
  bool gap = false;
  if (!function_of(index, site, &f, &gap) || !view.contains(f.begin, f.end - f.begin)) return Verdict::kNoFunction;
  const FunctionFacts facts =
      scan_function(ByteView{view.data + (f.begin - view.addr), f.end - f.begin, f.begin}, &g_map, nullptr, nullptr);
  const Verdict v = classify(site, facts, g_map);
  return gap && v != Verdict::kRewrite && v != Verdict::kRedZone && v != Verdict::kCacheLine ? Verdict::kNoFunction : v;
}

void scan_module(const ModuleImage& m, CandidateSink sink, void* ctx) {
  const FdeIndex index = unwind_index(m);

  for (size_t i = 0; i < m.phnum; ++i) {
    const ElfW(Phdr)& p = m.phdr[i];
    if (p.p_type != PT_LOAD || !(p.p_flags & PF_X) || !(p.p_flags & PF_R)) continue;
    const int prot = prot_of(p);
    const ByteView seg = segment_view(m, p);
    FunctionFacts facts;  // of the function the last candidate fell in
    bool have_facts = false, gap = false;
    const uint8_t* cursor = seg.data;
    const uint8_t* const end = seg.data + seg.size;
    while (cursor + 1 < end) {
      const uint8_t* hit = find_syscall_pair(cursor, end);
      if (hit == nullptr) break;
      cursor = hit + 1;
      const uint64_t cand = seg.addr + static_cast<uint64_t>(hit - seg.data);
      if (!have_facts || cand < facts.begin || cand >= facts.end) {
        FunctionRange f;
        have_facts = false;
        if (!function_of(index, cand, &f, &gap) || !seg.contains(f.begin, f.end - f.begin)) {
          sink(ctx, cand, Verdict::kNoFunction, prot);
          continue;
        }
        facts = scan_function(ByteView{seg.data + (f.begin - seg.addr), f.end - f.begin, f.begin}, &g_map,
                              nullptr, nullptr);
        have_facts = true;
      }
      Verdict v = classify(cand, facts, g_map);
      if (v == Verdict::kNotInstruction) continue;  // inside another instruction: not a syscall at all
      // In a CFI gap, only what the function's own flow reaches counts as its code.
      if (gap && v != Verdict::kRewrite && v != Verdict::kRedZone && v != Verdict::kCacheLine) v = Verdict::kNoFunction;
      sink(ctx, cand, v, prot);
    }
  }
}

}  // namespace interpose::rewriter
