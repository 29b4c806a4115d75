#include "text.h"


namespace interpose::hook {

size_t c_strlen(const char* s) {
  size_t n = 0;
  while (s[n] != '\0') ++n;
  return n;
}

bool starts_with(const char* s, const char* prefix) {
  while (*prefix != '\0') {
    if (*s++ != *prefix++) return false;
  }
  return true;
}

Text& Text::str(const char* s, size_t n) {
  for (size_t i = 0; i < n && len_ < sizeof(buf_); ++i) buf_[len_++] = s[i];
  return *this;
}

Text& Text::str(const char* s) { return str(s, c_strlen(s)); }

Text& Text::ch(char c) { return str(&c, 1); }

Text& Text::dec(uint64_t v) {
  char tmp[20];
  size_t n = 0;
  do {
    tmp[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n > 0) ch(tmp[--n]);
  return *this;
}

Text& Text::sdec(int64_t v) {
  if (v < 0) {
    ch('-');
    return dec(static_cast<uint64_t>(0) - static_cast<uint64_t>(v));
  }
  return dec(static_cast<uint64_t>(v));
}

Text& Text::hex(uint64_t v) {
  str("0x");
  bool started = false;
  for (int shift = 60; shift >= 0; shift -= 4) {
    const unsigned d = (v >> shift) & 0xf;
    if (d != 0 || started || shift == 0) {
      ch("0123456789abcdef"[d]);
      started = true;
    }
  }
  return *this;
}

}  // namespace interpose::hook
