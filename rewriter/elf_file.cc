#include "elf_file.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace interpose::rewriter {

namespace {

bool read_all(int fd, std::vector<uint8_t>* out, std::string* error) {
  struct stat st;
  if (fstat(fd, &st) != 0) {
    *error = strerror(errno);
    return false;
  }
  out->resize(static_cast<size_t>(st.st_size));
  size_t done = 0;
  while (done < out->size()) {
    const ssize_t r = pread(fd, out->data() + done, out->size() - done, static_cast<off_t>(done));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      *error = r < 0 ? strerror(errno) : "short read";
      return false;
    }
    done += static_cast<size_t>(r);
  }
  return true;
}

bool in_file(const std::vector<uint8_t>& f, uint64_t off, uint64_t size) {
  return off <= f.size() && size <= f.size() - off;
}

}  // namespace

ElfFile::~ElfFile() {
  if (map_ != nullptr) munmap(map_, map_size_);
}

bool ElfFile::load(const std::string& path, std::string* error) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *error = path + ": " + strerror(errno);
    return false;
  }
  std::vector<uint8_t> file;
  const bool ok = read_all(fd, &file, error);
  close(fd);
  if (!ok) {
    *error = path + ": " + *error;
    return false;
  }
  Elf64_Ehdr eh;
  if (file.size() < sizeof eh) {
    *error = path + ": not an ELF file";
    return false;
  }
  std::memcpy(&eh, file.data(), sizeof eh);
  if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
      eh.e_machine != EM_X86_64) {
    *error = path + ": not an x86-64 ELF file";
    return false;
  }
  if (eh.e_phentsize != sizeof(Elf64_Phdr) || !in_file(file, eh.e_phoff, uint64_t{eh.e_phnum} * sizeof(Elf64_Phdr))) {
    *error = path + ": bad program headers";
    return false;
  }
  phdrs_.resize(eh.e_phnum);
  std::memcpy(phdrs_.data(), file.data() + eh.e_phoff, phdrs_.size() * sizeof(Elf64_Phdr));

  // Lay the PT_LOAD segments out at their virtual addresses, page aligned so that
  // cache-line positions match a real load.
  uint64_t lo = UINT64_MAX, hi = 0;
  for (const auto& p : phdrs_) {
    if (p.p_type != PT_LOAD) continue;
    if (!in_file(file, p.p_offset, p.p_filesz) || p.p_filesz > p.p_memsz || p.p_memsz > (uint64_t{1} << 32)) {
      *error = path + ": bad PT_LOAD segment";
      return false;
    }
    lo = std::min<uint64_t>(lo, p.p_vaddr & ~uint64_t{4095});
    hi = std::max<uint64_t>(hi, p.p_vaddr + p.p_memsz);
  }
  if (lo >= hi || hi - lo > (uint64_t{1} << 32)) {
    *error = path + ": no loadable segments";
    return false;
  }
  map_size_ = (hi - lo + 4095) & ~uint64_t{4095};
  map_ = mmap(nullptr, map_size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (map_ == MAP_FAILED) {
    map_ = nullptr;
    *error = path + ": out of memory";
    return false;
  }
  bias_ = reinterpret_cast<uintptr_t>(map_) - lo;
  for (const auto& p : phdrs_) {
    if (p.p_type == PT_LOAD)
      std::memcpy(reinterpret_cast<void*>(bias_ + p.p_vaddr), file.data() + p.p_offset, p.p_filesz);
  }
  // Segments that are not in any PT_LOAD (a corrupt file) must not be read.
  for (auto& p : phdrs_) {
    if (p.p_type == PT_LOAD) continue;
    bool inside = false;
    for (const auto& l : phdrs_)
      if (l.p_type == PT_LOAD && p.p_vaddr >= l.p_vaddr && p.p_vaddr + p.p_memsz <= l.p_vaddr + l.p_filesz &&
          p.p_vaddr + p.p_memsz >= p.p_vaddr)
        inside = true;
    if (!inside) p.p_type = PT_NULL;
  }

  // Build-id from PT_NOTE.
  for (const auto& p : phdrs_) {
    if (p.p_type != PT_NOTE || !in_file(file, p.p_offset, p.p_filesz)) continue;
    uint64_t off = p.p_offset, end = p.p_offset + p.p_filesz;
    while (off + sizeof(Elf64_Nhdr) <= end) {
      Elf64_Nhdr nh;
      std::memcpy(&nh, file.data() + off, sizeof nh);
      const uint64_t name_off = off + sizeof nh;
      const uint64_t desc_off = name_off + ((uint64_t{nh.n_namesz} + 3) & ~uint64_t{3});
      const uint64_t next = desc_off + ((uint64_t{nh.n_descsz} + 3) & ~uint64_t{3});
      if (next > end) break;
      if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 && std::memcmp(file.data() + name_off, "GNU", 4) == 0) {
        static const char* hex = "0123456789abcdef";
        for (uint32_t i = 0; i < nh.n_descsz; ++i) {
          build_id_ += hex[file[desc_off + i] >> 4];
          build_id_ += hex[file[desc_off + i] & 15];
        }
      }
      off = next;
    }
  }

  // Function symbols from .symtab and .dynsym, for naming sites.
  if (eh.e_shentsize == sizeof(Elf64_Shdr) && in_file(file, eh.e_shoff, uint64_t{eh.e_shnum} * sizeof(Elf64_Shdr))) {
    std::vector<Elf64_Shdr> sh(eh.e_shnum);
    std::memcpy(sh.data(), file.data() + eh.e_shoff, sh.size() * sizeof(Elf64_Shdr));
    for (const auto& s : sh) {
      if ((s.sh_type != SHT_SYMTAB && s.sh_type != SHT_DYNSYM) || s.sh_link >= sh.size()) continue;
      const Elf64_Shdr& strtab = sh[s.sh_link];
      if (!in_file(file, s.sh_offset, s.sh_size) || !in_file(file, strtab.sh_offset, strtab.sh_size)) continue;
      for (uint64_t off = 0; off + sizeof(Elf64_Sym) <= s.sh_size; off += sizeof(Elf64_Sym)) {
        Elf64_Sym sym;
        std::memcpy(&sym, file.data() + s.sh_offset + off, sizeof sym);
        if (ELF64_ST_TYPE(sym.st_info) != STT_FUNC || sym.st_value == 0 || sym.st_name >= strtab.sh_size) continue;
        const char* name = reinterpret_cast<const char*>(file.data() + strtab.sh_offset + sym.st_name);
        const size_t max = strtab.sh_size - sym.st_name;
        symbols_.push_back({sym.st_value, sym.st_size, std::string(name, strnlen(name, max))});
      }
    }
    std::sort(symbols_.begin(), symbols_.end(),
              [](const ElfSymbol& a, const ElfSymbol& b) { return a.value < b.value; });
  }
  return true;
}

const ElfSymbol* ElfFile::symbol_at(uint64_t vaddr) const {
  auto it = std::upper_bound(symbols_.begin(), symbols_.end(), vaddr,
                             [](uint64_t v, const ElfSymbol& s) { return v < s.value; });
  while (it != symbols_.begin()) {
    --it;
    if (vaddr < it->value + std::max<uint64_t>(it->size, 1)) return &*it;
    if (it->size != 0) break;
  }
  return nullptr;
}

int64_t ElfFile::vaddr_of(uint64_t offset) const {
  for (const auto& p : phdrs_)
    if (p.p_type == PT_LOAD && offset >= p.p_offset && offset - p.p_offset < p.p_filesz)
      return static_cast<int64_t>(p.p_vaddr + (offset - p.p_offset));
  return -1;
}

int64_t ElfFile::file_offset(uint64_t vaddr) const {
  for (const auto& p : phdrs_)
    if (p.p_type == PT_LOAD && vaddr >= p.p_vaddr && vaddr - p.p_vaddr < p.p_filesz)
      return static_cast<int64_t>(p.p_offset + (vaddr - p.p_vaddr));
  return -1;
}

}  // namespace interpose::rewriter
