// What the compiler may call on its own in freestanding code, kept inside the
// runtime (hidden) so the hook path never lands in libc's vectorised versions,
// which would clobber the program's xmm/ymm/zmm registers.
#include <stddef.h>
#include <stdint.h>

#include "hookpath.h"
#include "sys.h"
#include "text.h"

extern "C" {

// Set by the runtime from CPUID leaf 0xD; read by interpose_call_with_xstate.
__attribute__((visibility("hidden"))) uint64_t interpose_xsave_size = 0;
__attribute__((visibility("hidden"))) uint64_t interpose_xsave_mask = 0;

__attribute__((visibility("hidden"))) void* memcpy(void* dst, const void* src, size_t n) {
  auto* d = static_cast<unsigned char*>(dst);
  const auto* s = static_cast<const unsigned char*>(src);
  for (size_t i = 0; i < n; ++i) d[i] = s[i];
  return dst;
}

__attribute__((visibility("hidden"))) void* memmove(void* dst, const void* src, size_t n) {
  auto* d = static_cast<unsigned char*>(dst);
  const auto* s = static_cast<const unsigned char*>(src);
  if (d < s) {
    for (size_t i = 0; i < n; ++i) d[i] = s[i];
  } else {
    for (size_t i = n; i > 0; --i) d[i - 1] = s[i - 1];
  }
  return dst;
}

__attribute__((visibility("hidden"))) void* memset(void* dst, int c, size_t n) {
  auto* d = static_cast<unsigned char*>(dst);
  for (size_t i = 0; i < n; ++i) d[i] = static_cast<unsigned char>(c);
  return dst;
}

__attribute__((visibility("hidden"))) int memcmp(const void* a, const void* b, size_t n) {
  const auto* x = static_cast<const unsigned char*>(a);
  const auto* y = static_cast<const unsigned char*>(b);
  for (size_t i = 0; i < n; ++i) {
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  }
  return 0;
}

}  // extern "C"

namespace interpose::hook {

void check_failed(const char* file, int line, const char* what) {
  Text t;
  t.str("interpose: internal check failed: ").str(what).str(" at ").str(file).ch(':');
  t.dec(static_cast<uint64_t>(line)).ch('\n');
  t.write_to(2);
  sys::call(__NR_kill, sys::getpid(), 6 /* SIGABRT */);
  sys::exit_group(134);
}

}  // namespace interpose::hook
