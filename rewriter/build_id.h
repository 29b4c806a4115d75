// A file's GNU build-id, without decoding anything else (the launcher checks the
// modules a profile names against the files on disk).
#pragma once

#include <string>

namespace interpose::rewriter {

// The GNU build-id of an ELF file (lowercase hex), reading only its headers and
// notes: "" if it has none or is not an ELF file.
std::string read_build_id(const std::string& path);

}  // namespace interpose::rewriter
