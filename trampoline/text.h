// Building short messages without stdio or allocation: a fixed buffer that
// truncates rather than overflows.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace interpose::hook {

class Text {
 public:
  Text& str(const char* s);
  Text& str(const char* s, size_t n);
  Text& dec(uint64_t v);
  Text& sdec(int64_t v);
  Text& hex(uint64_t v);
  Text& ch(char c);
  const char* data() const { return buf_; }
  size_t size() const { return len_; }
  // Writes the text to fd through the gate; returns false if the write failed.
  bool write_to(int fd) const;

 private:
  char buf_[512];
  size_t len_ = 0;
};

size_t c_strlen(const char* s);
bool starts_with(const char* s, const char* prefix);

}  // namespace interpose::hook
