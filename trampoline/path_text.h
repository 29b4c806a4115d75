// Path strings as the policy sees them: absolute, lexically normalised, with the
// process's own /proc entries under /proc/self.  Pure functions on caller-owned
// buffers (no allocation, no syscalls): the hook path's path engine (paths.cc)
// and the unit tests and fuzzer share them.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace interpose::hook::path_text {

inline constexpr size_t kMax = 4096;  // PATH_MAX, with its NUL

// A path being built: bytes in buf[0, len), NUL-terminated, never longer than kMax-1.
struct Path {
  char buf[kMax];
  size_t len = 0;
  bool trailing_slash = false;  // the program wrote "dir/": the last component must be a directory
};

// out = normalise(base + "/" + rel) (or normalise(rel) when rel is absolute):
// empty and "." components dropped, ".." removes the previous component (never
// above "/").  base must be absolute.  False if the result does not fit.
bool join_normalise(const char* base, size_t base_len, const char* rel, size_t rel_len, Path* out);

// Rewrites /proc/<pid>/... to /proc/self/... and /proc/thread-self/... and
// /proc/<tid>/... to /proc/self/task/<tid>/... for the calling process, so that
// the rules about /proc/self apply whichever name the program uses.
void canonical_proc(Path* p, long pid, long tid);

// The other way: the path the kernel is to resolve, with /proc/self spelled as
// /proc/<pid> (the kernel's /proc/self is a symlink, which the path engine refuses
// to follow).  False if it does not fit in out_size.
bool physical(const Path& p, long pid, char* out, size_t out_size);

// The parent ("/" for "/x" and for "/") and the last component ("." for "/").
void split_last(const char* path, size_t len, size_t* parent_len, size_t* last_begin);

// Replaces the first `prefix_len` bytes of p (a symlink) by its target: an
// absolute target replaces it, a relative one is resolved against the prefix's
// parent; the result is normalised again.  False if it does not fit.
bool substitute_link(Path* p, size_t prefix_len, const char* target, size_t target_len);

// The end of each component: calls ends(ctx, n) for n = length of "/a", "/a/b", ...
// Returns false as soon as ends returns false.
template <class F>
bool for_each_prefix(const Path& p, F&& ends) {
  for (size_t i = 1; i <= p.len; ++i)
    if ((i == p.len || p.buf[i] == '/') && i > 1)
      if (!ends(i)) return false;
  return true;
}

// The number n in "/proc/self/fd/<n>" or "/proc/self/task/<t>/fd/<n>", or -1.
long proc_self_fd(const char* path, size_t len);

// Writes v (>= 0) in decimal at out, without a terminator; returns its length.
size_t put_dec(char* out, long v);

// Decimal value of s[0, n), or -1 if it is not a plain number.
long parse_number(const char* s, size_t n);

}  // namespace interpose::hook::path_text
