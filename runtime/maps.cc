#include "maps.h"

#include <elf.h>

#include "sys.h"

namespace interpose::runtime {

namespace {

uint64_t parse_hex(const char*& p) {
  uint64_t v = 0;
  for (;; ++p) {
    const char c = *p;
    if (c >= '0' && c <= '9') v = v * 16 + static_cast<uint64_t>(c - '0');
    else if (c >= 'a' && c <= 'f') v = v * 16 + static_cast<uint64_t>(c - 'a' + 10);
    else return v;
  }
}

// "start-end perms offset major:minor inode   path"
bool parse_line(const char* p, const char* eol, Mapping* out) {
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
  while (p < eol && *p == ' ') ++p;
  size_t n = 0;
  while (p < eol && n + 1 < sizeof out->path) out->path[n++] = *p++;
  out->path[n] = '\0';
  return true;
}

template <class F>
bool each_line(const char* maps, F&& f) {
  for (const char* p = maps; *p != '\0';) {
    const char* eol = p;
    while (*eol != '\0' && *eol != '\n') ++eol;
    Mapping m;
    if (parse_line(p, eol, &m) && f(m)) return true;
    p = *eol == '\n' ? eol + 1 : eol;
  }
  return false;
}

}  // namespace

bool read_maps(char* buf, size_t size) {
  const long fd = sys::openat(-100 /* AT_FDCWD */, "/proc/self/maps", 02000000 /* O_RDONLY|O_CLOEXEC */);
  if (sys::failed(fd)) return false;
  size_t len = 0;
  for (;;) {
    const long r = sys::read(static_cast<int>(fd), buf + len, size - 1 - len);
    if (r <= 0) break;
    len += static_cast<size_t>(r);
    if (len == size - 1) break;
  }
  sys::close(static_cast<int>(fd));
  buf[len] = '\0';
  return len > 0;
}

bool find_mapping(const char* maps, uint64_t addr, Mapping* out) {
  return each_line(maps, [&](const Mapping& m) {
    if (addr < m.start || addr >= m.end) return false;
    *out = m;
    return true;
  });
}

bool module_of(const char* maps, const Mapping& hit, rewriter::ModuleImage* out) {
  if (hit.inode == 0) return false;
  return each_line(maps, [&](const Mapping& m) {
    if (m.inode != hit.inode || m.dev_major != hit.dev_major || m.dev_minor != hit.dev_minor || m.offset != 0)
      return false;
    const auto* eh = reinterpret_cast<const Elf64_Ehdr*>(m.start);
    if (m.end - m.start < sizeof(Elf64_Ehdr) || eh->e_ident[0] != ELFMAG0 || eh->e_ident[1] != ELFMAG1 ||
        eh->e_ident[2] != ELFMAG2 || eh->e_ident[3] != ELFMAG3 || eh->e_phentsize != sizeof(Elf64_Phdr) ||
        eh->e_phoff + uint64_t{eh->e_phnum} * sizeof(Elf64_Phdr) > m.end - m.start)
      return false;
    const auto* ph = reinterpret_cast<const Elf64_Phdr*>(m.start + eh->e_phoff);
    uint64_t first_vaddr = ~uint64_t{0};
    for (int i = 0; i < eh->e_phnum; ++i)
      if (ph[i].p_type == PT_LOAD && ph[i].p_vaddr < first_vaddr) first_vaddr = ph[i].p_vaddr;
    if (first_vaddr == ~uint64_t{0}) return false;
    *out = rewriter::ModuleImage{m.start - (first_vaddr & ~uint64_t{4095}), ph, eh->e_phnum};
    return true;
  });
}

size_t build_id_of(const rewriter::ModuleImage& m, uint8_t* out, size_t cap) {
  for (size_t i = 0; i < m.phnum; ++i) {
    const ElfW(Phdr)& p = m.phdr[i];
    if (p.p_type != PT_NOTE) continue;
    const auto* at = reinterpret_cast<const uint8_t*>(m.bias + p.p_vaddr);
    size_t off = 0;
    while (off + sizeof(Elf64_Nhdr) <= p.p_memsz) {
      const auto* nh = reinterpret_cast<const Elf64_Nhdr*>(at + off);
      const size_t name = off + sizeof(Elf64_Nhdr);
      const size_t desc = name + ((nh->n_namesz + 3u) & ~3u);
      const size_t next = desc + ((nh->n_descsz + 3u) & ~3u);
      if (next > p.p_memsz) break;
      if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 && at[name] == 'G' && at[name + 1] == 'N' &&
          at[name + 2] == 'U' && nh->n_descsz <= cap) {
        for (size_t k = 0; k < nh->n_descsz; ++k) out[k] = at[desc + k];
        return nh->n_descsz;
      }
      off = next;
    }
  }
  return 0;
}

}  // namespace interpose::runtime
