#include "exec_check.h"

#include <asm/unistd_64.h>
#include <elf.h>

#include "sys.h"

namespace interpose::hook {

namespace {

constexpr long kAtFdcwd = -100;
constexpr long kAtEmptyPath = 0x1000;
constexpr long kOpenFlags = 0 /* O_RDONLY */ | 02000000 /* O_CLOEXEC */;
constexpr unsigned long kHead = 4096;

// #!/path/to/interpreter [arg]: copies the interpreter path into out.
bool script_interpreter(const unsigned char* head, unsigned long n, char* out, unsigned long cap) {
  if (n < 3 || head[0] != '#' || head[1] != '!') return false;
  unsigned long i = 2;
  while (i < n && (head[i] == ' ' || head[i] == '\t')) ++i;
  unsigned long k = 0;
  while (i < n && head[i] != ' ' && head[i] != '\t' && head[i] != '\n' && k + 1 < cap) out[k++] = static_cast<char>(head[i++]);
  out[k] = '\0';
  return k > 0 && out[0] == '/';
}

long read_head(long fd, unsigned char* buf) {
  const long r = sys::call(__NR_pread64, fd, sys::ptr(buf), static_cast<long>(kHead), 0);
  sys::close(static_cast<int>(fd));
  return r;
}

}  // namespace

ExecTarget classify_exec(const interpose_frame* f) {
  long fd;
  if (f->nr == __NR_execveat && (static_cast<long>(f->call_args[4]) & kAtEmptyPath) != 0 &&
      (f->call_args[1] == 0 || *reinterpret_cast<const char*>(f->call_args[1]) == '\0')) {
    // fexecve: the file is the fd.  Read it through /proc so its offset stays.
    char path[32] = "/proc/self/fd/";
    unsigned long v = static_cast<unsigned>(f->call_args[0]), k = 14;
    char digits[12];
    int nd = 0;
    do digits[nd++] = static_cast<char>('0' + v % 10), v /= 10;
    while (v != 0);
    while (nd > 0) path[k++] = digits[--nd];
    path[k] = '\0';
    fd = sys::openat(kAtFdcwd, path, kOpenFlags);
  } else {
    const long dirfd = f->nr == __NR_execveat ? static_cast<long>(static_cast<int>(f->call_args[0])) : kAtFdcwd;
    const uint64_t path = f->nr == __NR_execveat ? f->call_args[1] : f->call_args[0];
    if (path == 0) return ExecTarget::kUnknown;
    fd = sys::call(__NR_openat, dirfd, static_cast<long>(path), kOpenFlags);
  }
  if (sys::failed(fd)) return ExecTarget::kUnknown;
  unsigned char head[kHead];
  const long n = read_head(fd, head);
  if (n <= 0) return ExecTarget::kUnknown;
  char interp[256];
  if (script_interpreter(head, static_cast<unsigned long>(n), interp, sizeof interp)) {
    const long ifd = sys::openat(kAtFdcwd, interp, kOpenFlags);
    if (sys::failed(ifd)) return ExecTarget::kUnknown;
    const long m = read_head(ifd, head);
    return m > 0 ? classify_elf(head, static_cast<unsigned long>(m)) : ExecTarget::kUnknown;
  }
  return classify_elf(head, static_cast<unsigned long>(n));
}

}  // namespace interpose::hook
