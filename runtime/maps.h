// /proc/self/maps, read through the gate with no allocation, from any context
// (the SIGSYS handler, dispatch): which file backs an address, and where that
// file's ELF header is mapped.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "module_scan.h"

namespace interpose::runtime {

struct Mapping {
  uint64_t start = 0, end = 0, offset = 0;
  uint64_t dev_major = 0, dev_minor = 0, inode = 0;
  char path[256] = {};  // empty for anonymous memory
};

// Reads /proc/self/maps into buf (NUL-terminated); false if it could not.
bool read_maps(char* buf, size_t size);

// The mapping containing addr, from a buffer read_maps filled.
bool find_mapping(const char* maps, uint64_t addr, Mapping* out);

// The module (ELF image as the loader laid it out) a file-backed mapping belongs
// to: found through the mapping of the same file at offset 0, whose first page
// holds the ELF and program headers.
bool module_of(const char* maps, const Mapping& m, rewriter::ModuleImage* out);

// The GNU build-id of a loaded module (from its PT_NOTE segments); its length in
// bytes, or 0 if it has none.
size_t build_id_of(const rewriter::ModuleImage& m, uint8_t* out, size_t cap);

}  // namespace interpose::runtime
