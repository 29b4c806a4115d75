#include "lazy.h"

#include <elf.h>
#include <linux/mman.h>

#include <atomic>

#include "arena.h"
#include "patch.h"
#include "state.h"
#include "sys.h"

namespace interpose::runtime {

namespace {

using hook::g_state;

constexpr size_t kMaxModules = 512;
rewriter::ModuleImage g_modules[kMaxModules];
std::atomic<size_t> g_module_count{0};
std::atomic<int> g_patching{0};
std::atomic<uint64_t> g_rewritten{0}, g_refused{0}, g_busy{0};

// Sites that failed the rules: remembered so the next SIGSYS from them costs no
// decoding (a small direct-mapped cache; collisions just decode again).
constexpr size_t kRefusedSlots = 1024;
uint64_t g_refused_sites[kRefusedSlots];

// /proc/self/maps, read in signal context.
char g_maps[1 << 18];

const rewriter::ModuleImage* find_module(uint64_t addr) {
  const size_t n = g_module_count.load(std::memory_order_acquire);
  for (size_t i = 0; i < n; ++i)
    if (rewriter::module_contains(g_modules[i], addr)) return &g_modules[i];
  return nullptr;
}

uint64_t parse_hex(const char*& p) {
  uint64_t v = 0;
  for (;; ++p) {
    const char c = *p;
    if (c >= '0' && c <= '9') v = v * 16 + static_cast<uint64_t>(c - '0');
    else if (c >= 'a' && c <= 'f') v = v * 16 + static_cast<uint64_t>(c - 'a' + 10);
    else return v;
  }
}

struct MapsLine {
  uint64_t start, end, offset, inode;
  uint64_t dev_major, dev_minor;
};

// Parses "start-end perms offset major:minor inode path" up to the inode.
bool parse_line(const char* p, const char* eol, MapsLine* out) {
  out->start = parse_hex(p);
  if (*p++ != '-') return false;
  out->end = parse_hex(p);
  while (p < eol && *p != ' ') ++p;  // perms
  while (p < eol && *p == ' ') ++p;
  while (p < eol && *p != ' ') ++p;
  ++p;
  out->offset = parse_hex(p);
  ++p;
  out->dev_major = parse_hex(p);
  if (*p++ != ':') return false;
  out->dev_minor = parse_hex(p);
  ++p;
  uint64_t inode = 0;
  while (p < eol && *p >= '0' && *p <= '9') inode = inode * 10 + static_cast<uint64_t>(*p++ - '0');
  out->inode = inode;
  return true;
}

// A file-backed module mapped after start-up (dlopen): its ELF header is at the
// start of the mapping of file offset 0.
const rewriter::ModuleImage* discover_module(uint64_t addr) {
  const long fd = sys::openat(-100 /* AT_FDCWD */, "/proc/self/maps", 0 /* O_RDONLY */ | 02000000 /* O_CLOEXEC */);
  if (sys::failed(fd)) return nullptr;
  size_t len = 0;
  for (;;) {
    const long r = sys::read(static_cast<int>(fd), g_maps + len, sizeof g_maps - 1 - len);
    if (r <= 0) break;
    len += static_cast<size_t>(r);
    if (len == sizeof g_maps - 1) break;
  }
  sys::close(static_cast<int>(fd));
  g_maps[len] = '\0';
  MapsLine hit{};
  bool found = false;
  for (const char* p = g_maps; *p != '\0' && !found;) {
    const char* eol = p;
    while (*eol != '\0' && *eol != '\n') ++eol;
    MapsLine l;
    if (parse_line(p, eol, &l) && addr >= l.start && addr < l.end && l.inode != 0) {
      hit = l;
      found = true;
    }
    p = *eol == '\n' ? eol + 1 : eol;
  }
  if (!found) return nullptr;
  for (const char* p = g_maps; *p != '\0';) {
    const char* eol = p;
    while (*eol != '\0' && *eol != '\n') ++eol;
    MapsLine l;
    if (parse_line(p, eol, &l) && l.inode == hit.inode && l.dev_major == hit.dev_major &&
        l.dev_minor == hit.dev_minor && l.offset == 0) {
      const auto* eh = reinterpret_cast<const Elf64_Ehdr*>(l.start);
      if (l.end - l.start < sizeof(Elf64_Ehdr) || eh->e_ident[0] != ELFMAG0 || eh->e_ident[1] != ELFMAG1 ||
          eh->e_ident[2] != ELFMAG2 || eh->e_ident[3] != ELFMAG3 || eh->e_phentsize != sizeof(Elf64_Phdr) ||
          eh->e_phoff + uint64_t{eh->e_phnum} * sizeof(Elf64_Phdr) > l.end - l.start)
        return nullptr;
      const auto* ph = reinterpret_cast<const Elf64_Phdr*>(l.start + eh->e_phoff);
      uint64_t first_vaddr = ~uint64_t{0};
      for (int i = 0; i < eh->e_phnum; ++i)
        if (ph[i].p_type == PT_LOAD && ph[i].p_vaddr < first_vaddr) first_vaddr = ph[i].p_vaddr;
      if (first_vaddr == ~uint64_t{0}) return nullptr;
      const size_t n = g_module_count.load(std::memory_order_relaxed);
      if (n >= kMaxModules) return nullptr;
      g_modules[n] = rewriter::ModuleImage{l.start - (first_vaddr & ~uint64_t{4095}), ph, eh->e_phnum};
      g_module_count.store(n + 1, std::memory_order_release);
      return &g_modules[n];
    }
    p = *eol == '\n' ? eol + 1 : eol;
  }
  return nullptr;
}

}  // namespace

void register_module(const rewriter::ModuleImage& m) {
  const size_t n = g_module_count.load(std::memory_order_relaxed);
  if (n < kMaxModules) {
    g_modules[n] = m;
    g_module_count.store(n + 1, std::memory_order_release);
  }
}

void lazy_rewrite_site(uint64_t site) {
  if (!rewriter::fits_cache_line(site) || g_state.sites.contains(site)) return;
  if (g_refused_sites[(site >> 1) % kRefusedSlots] == site) return;
  if (g_patching.exchange(1, std::memory_order_acquire) != 0) {
    g_busy.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  const rewriter::ModuleImage* m = find_module(site);
  if (m == nullptr) m = discover_module(site);
  int prot = 0;
  if (m != nullptr && rewriter::judge_address(*m, site, &prot) == rewriter::Verdict::kRewrite) {
    const uint64_t page = site & ~uint64_t{4095};
    bool done = false;
    if (!sys::failed(sys::mprotect(reinterpret_cast<void*>(page), 4096, prot | PROT_WRITE | PROT_EXEC))) {
      done = g_state.sites.insert(site) && rewrite_site(site);
      sys::mprotect(reinterpret_cast<void*>(page), 4096, prot);
    }
    if (done) {
      g_rewritten.fetch_add(1, std::memory_order_relaxed);
      g_state.arena->sites_rewritten.fetch_add(1, std::memory_order_relaxed);
    }
  } else {
    g_refused_sites[(site >> 1) % kRefusedSlots] = site;
    g_refused.fetch_add(1, std::memory_order_relaxed);
  }
  g_patching.store(0, std::memory_order_release);
}

LazyTotals lazy_totals() {
  return LazyTotals{g_rewritten.load(), g_refused.load(), g_busy.load()};
}

}  // namespace interpose::runtime
