// An ELF file from disk laid out in memory the way the dynamic loader would map
// it, so that the scanners that work on live modules can work on files too
// (the profiler, the sites tool, golden tests).  Host-side code.
#pragma once

#include <link.h>

#include <cstdint>
#include <string>
#include <vector>

#include "build_id.h"
#include "module_scan.h"

namespace interpose::rewriter {

struct ElfSymbol {
  uint64_t value;  // file virtual address
  uint64_t size;
  std::string name;
};

class ElfFile {
 public:
  ElfFile() = default;
  ElfFile(const ElfFile&) = delete;
  ElfFile& operator=(const ElfFile&) = delete;
  ~ElfFile();

  // Loads path; on failure returns false and sets *error to one line.
  bool load(const std::string& path, std::string* error);

  // The image as a module: addresses are bias() + file virtual address.
  ModuleImage image() const { return ModuleImage{bias_, phdrs_.data(), phdrs_.size()}; }
  uintptr_t bias() const { return bias_; }

  // The GNU build-id as lowercase hex, or "" if the file has none.
  const std::string& build_id() const { return build_id_; }

  // The symbol (function) containing the file virtual address, if any.
  const ElfSymbol* symbol_at(uint64_t vaddr) const;

  // Maps a file virtual address to a file offset (for profiles); -1 if unmapped.
  int64_t file_offset(uint64_t vaddr) const;
  // And back: the virtual address a file offset is loaded at; -1 if none.
  int64_t vaddr_of(uint64_t offset) const;

 private:
  std::vector<ElfW(Phdr)> phdrs_;
  std::vector<ElfSymbol> symbols_;  // sorted by value
  std::string build_id_;
  void* map_ = nullptr;
  size_t map_size_ = 0;
  uintptr_t bias_ = 0;
};

}  // namespace interpose::rewriter
