#include "build_id.h"

#include <elf.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <vector>

namespace interpose::rewriter {

std::string read_build_id(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "";
  std::string id;
  Elf64_Ehdr eh;
  if (pread(fd, &eh, sizeof eh, 0) == static_cast<ssize_t>(sizeof eh) && std::memcmp(eh.e_ident, ELFMAG, SELFMAG) == 0 &&
      eh.e_ident[EI_CLASS] == ELFCLASS64 && eh.e_phentsize == sizeof(Elf64_Phdr) && eh.e_phnum < 256) {
    std::vector<Elf64_Phdr> ph(eh.e_phnum);
    const ssize_t want = static_cast<ssize_t>(ph.size() * sizeof(Elf64_Phdr));
    if (pread(fd, ph.data(), static_cast<size_t>(want), static_cast<off_t>(eh.e_phoff)) == want) {
      for (const auto& p : ph) {
        if (p.p_type != PT_NOTE || p.p_filesz > 65536 || !id.empty()) continue;
        std::vector<uint8_t> notes(p.p_filesz);
        if (pread(fd, notes.data(), notes.size(), static_cast<off_t>(p.p_offset)) != static_cast<ssize_t>(notes.size()))
          continue;
        size_t off = 0;
        while (off + sizeof(Elf64_Nhdr) <= notes.size()) {
          Elf64_Nhdr nh;
          std::memcpy(&nh, notes.data() + off, sizeof nh);
          const size_t name = off + sizeof nh;
          const size_t desc = name + ((size_t{nh.n_namesz} + 3) & ~size_t{3});
          const size_t next = desc + ((size_t{nh.n_descsz} + 3) & ~size_t{3});
          if (next > notes.size()) break;
          if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 && std::memcmp(notes.data() + name, "GNU", 4) == 0) {
            static const char* hex = "0123456789abcdef";
            for (uint32_t i = 0; i < nh.n_descsz; ++i) {
              id += hex[notes[desc + i] >> 4];
              id += hex[notes[desc + i] & 15];
            }
            break;
          }
          off = next;
        }
      }
    }
  }
  close(fd);
  return id;
}

}  // namespace interpose::rewriter
