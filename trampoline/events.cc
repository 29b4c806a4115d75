#include "events.h"

#include <asm/unistd_64.h>

#include "path_syscalls.h"
#include "state.h"
#include "sys.h"
#include "syscall_names.h"

namespace interpose::hook::events {

namespace {

// A line being built; truncates rather than overflows.
class Line {
 public:
  Line& str(const char* s) {
    while (*s != '\0') put(*s++);
    return *this;
  }
  Line& dec(uint64_t v) {
    char tmp[24];
    size_t n = 0;
    do {
      tmp[n++] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v != 0);
    while (n > 0) put(tmp[--n]);
    return *this;
  }
  Line& sdec(int64_t v) {
    if (v < 0) {
      put('-');
      return dec(static_cast<uint64_t>(0) - static_cast<uint64_t>(v));
    }
    return dec(static_cast<uint64_t>(v));
  }
  Line& hex(uint64_t v) {
    str("0x");
    char tmp[16];
    size_t n = 0;
    do {
      tmp[n++] = "0123456789abcdef"[v & 15];
      v >>= 4;
    } while (v != 0);
    while (n > 0) put(tmp[--n]);
    return *this;
  }
  // A JSON (and C-like) string literal of at most `max` bytes of s.
  Line& quoted(const char* s, size_t max, bool json = true) { return quoted(s, ~size_t{0}, max, true, json); }
  // The same for n bytes that may hold NULs (a read or write buffer).  json:
  // JSON's \u00XX escapes, else C's (as strace writes them).
  Line& quoted(const char* s, size_t n, size_t max, bool stop_at_nul, bool json) {
    put('"');
    size_t i = 0;
    for (; i < n && (!stop_at_nul || s[i] != '\0') && i < max; ++i) {
      const unsigned char c = static_cast<unsigned char>(s[i]);
      if (c == '"' || c == '\\') {
        put('\\');
        put(static_cast<char>(c));
      } else if (!json && (c == '\n' || c == '\t' || c == '\r')) {
        put('\\');
        put(c == '\n' ? 'n' : c == '\t' ? 't' : 'r');
      } else if (!json && (c < 0x20 || c >= 0x7f)) {
        str("\\x");
        put("0123456789abcdef"[c >> 4]);
        put("0123456789abcdef"[c & 15]);
      } else if (c < 0x20 || c == 0x7f) {
        str("\\u00");
        put("0123456789abcdef"[c >> 4]);
        put("0123456789abcdef"[c & 15]);
      } else {
        put(static_cast<char>(c));
      }
    }
    put('"');
    if (i < n && (!stop_at_nul || s[i] != '\0')) str("...");
    return *this;
  }
  Line& put(char c) {
    if (len_ < sizeof buf_ - 1) buf_[len_++] = c;
    return *this;
  }
  void finish_and_write() {
    if (len_ >= sizeof buf_ - 1) len_ = sizeof buf_ - 2;
    buf_[len_++] = '\n';
    const int fd = __atomic_load_n(&g_state.event_fd, __ATOMIC_RELAXED);
    if (fd >= 0) sys::write(fd, buf_, len_);
    if (g_state.arena != nullptr) g_state.arena->logged.fetch_add(1, std::memory_order_relaxed);
  }

 private:
  char buf_[2048];
  size_t len_ = 0;
};

// The argument a path syscall keeps its path(s) in, or -1.
bool is_path_arg(long nr, int i) {
  const paths::PathSyscall* ps = paths::find_path_syscall(nr);
  if (ps == nullptr) return false;
  if (ps->op == paths::Op::kSymlink || ps->op == paths::Op::kSymlinkat)
    if (i == 0) return true;  // the link's content
  return ps->path == i || ps->path2 == i;
}

bool is_dirfd_arg(long nr, int i) {
  const paths::PathSyscall* ps = paths::find_path_syscall(nr);
  return ps != nullptr && (ps->dirfd == i || ps->dirfd2 == i);
}

// How many arguments to show: the syscall's own count (syscall_arity.txt), else
// up to the last one that is not 0.
int shown_args(const interpose_frame* f) {
  if (const int known = syscall_arity(static_cast<long>(f->nr)); known >= 0) return known;
  int n = 6;
  while (n > 0 && f->call_args[n - 1] == 0 && !is_path_arg(static_cast<long>(f->nr), n - 1)) --n;
  return n;
}

// read/write and friends: their buffer, as strace shows it (a read's once it
// returned, with as many bytes as it returned).
bool is_buffer_arg(long nr, int i) {
  return i == 1 && (nr == __NR_write || nr == __NR_read || nr == __NR_pwrite64 || nr == __NR_pread64);
}

void arg(Line& l, const interpose_frame* f, int i, bool json, long result = -1) {
  const long nr = static_cast<long>(f->nr);
  const uint64_t v = f->call_args[i];
  if (is_buffer_arg(nr, i) && !json && v >= 4096) {
    const bool reads = nr == __NR_read || nr == __NR_pread64;
    const size_t n = reads ? (result > 0 ? static_cast<size_t>(result) : 0) : static_cast<size_t>(f->call_args[2]);
    if (!reads || result >= 0) {
      l.quoted(reinterpret_cast<const char*>(v), n, 32, false, false);
      return;
    }
  }
  if (is_path_arg(nr, i)) {
    if (v < 4096) l.hex(v);
    else l.quoted(reinterpret_cast<const char*>(v), 200, json);
    return;
  }
  if (is_dirfd_arg(nr, i) && static_cast<int>(v) == -100) {
    if (json) l.str("\"AT_FDCWD\"");
    else l.str("AT_FDCWD");
    return;
  }
  if (v < 65536) {
    l.dec(v);
  } else if (static_cast<int64_t>(v) < 0 && static_cast<int64_t>(v) > -65536) {
    l.sdec(static_cast<int64_t>(v));
  } else if (json) {
    l.put('"').hex(v).put('"');
  } else {
    l.hex(v);
  }
}

void name(Line& l, uint64_t nr) {
  const char* n = syscall_name(static_cast<long>(nr));
  if (n != nullptr) l.str(n);
  else l.str("syscall_").dec(nr);
}

}  // namespace

void log(const interpose_frame* f, const Event& e) {
  Line l;
  uint64_t ts[2] = {0, 0};
  sys::call(__NR_clock_gettime, 0 /* CLOCK_REALTIME */, sys::ptr(ts));
  l.str("{\"time\":").dec(ts[0]).put('.');
  for (uint64_t d = 100000; d > 0; d /= 10) l.put(static_cast<char>('0' + (ts[1] / 1000 / d) % 10));
  l.str(",\"pid\":").dec(static_cast<uint64_t>(sys::getpid())).str(",\"tid\":").dec(static_cast<uint64_t>(sys::gettid()));
  l.str(",\"syscall\":\"");
  name(l, f->nr);
  l.str("\",\"nr\":").dec(f->nr).str(",\"args\":[");
  const int n = shown_args(f);
  for (int i = 0; i < n; ++i) {
    if (i) l.put(',');
    arg(l, f, i, true);
  }
  l.str("],\"decision\":\"").str(e.decision).put('"');
  if (e.errno_value > 0) {
    const char* en = errno_name(e.errno_value);
    l.str(",\"errno\":");
    if (en != nullptr) l.put('"').str(en).put('"');
    else l.dec(static_cast<uint64_t>(e.errno_value));
  }
  if (e.path != nullptr && e.path[0] != '\0') l.str(",\"path\":").quoted(e.path, 1024);
  l.str(",\"rule\":").quoted(e.rule != nullptr ? e.rule : "", 400).put('}');
  l.finish_and_write();
}

void trace(const interpose_frame* f, long result, bool has_result) {
  Line l;
  l.str("[pid ").dec(static_cast<uint64_t>(sys::gettid())).str("] ");
  name(l, f->nr);
  l.put('(');
  const int n = shown_args(f);
  for (int i = 0; i < n; ++i) {
    if (i) l.str(", ");
    arg(l, f, i, false, has_result ? result : -1);
  }
  l.str(") = ");
  if (!has_result) {
    l.put('?');
  } else if (result < 0 && result > -4096) {
    l.str("-1 ");
    const char* en = errno_name(-result);
    if (en != nullptr) l.str(en);
    else l.str("errno ").dec(static_cast<uint64_t>(-result));
  } else if (result >= 0 && result < 65536) {
    l.sdec(result);
  } else {
    l.hex(static_cast<uint64_t>(result));
  }
  l.finish_and_write();
}

}  // namespace interpose::hook::events
