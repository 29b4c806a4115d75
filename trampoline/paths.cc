// The path engine (paths.h).
//
// Judging a path and then letting the kernel resolve it again would be a
// check-then-use race: another thread can swap a directory for a symlink in
// between.  So the engine judges the absolute, normalised path and runs the call
// itself on that same path with the kernel forbidden to follow any symlink
// (openat2 RESOLVE_NO_SYMLINKS|RESOLVE_NO_MAGICLINKS, the *at calls with
// AT_SYMLINK_NOFOLLOW on a parent directory opened that way).  When the kernel
// meets a symlink it says ELOOP; the engine then reads that one link, puts its
// target in the path, judges the new path and tries again (at most 40 links, as
// the kernel).  What finally runs contains no symlink and is exactly what was
// judged.  /proc/self is itself a symlink: the engine judges /proc/self/...
// and runs /proc/<pid>/....
//
// Everything here runs on the hook path: no allocation, syscalls through the gate.
#include "paths.h"

#include <asm/unistd_64.h>
#include <linux/errno.h>
#include <linux/fcntl.h>
#include <linux/openat2.h>

#include "policy_eval.h"
#include "state.h"
#include "sys.h"
#include "text.h"
#include "thread.h"

namespace interpose::hook::paths {

namespace {

namespace pt = policy_table;
using path_text::Path;

constexpr int kMaxLinks = 40;
constexpr size_t kNameMax = 256 + 2;  // NAME_MAX, a trailing '/', NUL
constexpr uint64_t kIfmt = 0170000, kIflnk = 0120000;

struct Ctx {
  const pt::Header* h;
  long pid;
  long tid;
  Decision* d;
};

long openat2(int dirfd, const char* path, uint64_t flags, uint64_t mode, uint64_t resolve) {
  open_how how{flags, mode, resolve};
  return sys::call(__NR_openat2, dirfd, sys::ptr(path), sys::ptr(&how), sizeof how);
}

constexpr uint64_t kNoLinks = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;

// The program's string at `addr` into out (kMax bytes).  A pointer into page 0
// is the program's EFAULT; any other bad pointer faults as it would in the kernel
// copy... except that here it is a SIGSEGV (docs/policy.md, limitations).
long read_user_path(uint64_t addr, char* out, size_t* len) {
  if (addr < 4096) return -EFAULT;
  const char* s = reinterpret_cast<const char*>(addr);
  size_t n = 0;
  while (s[n] != '\0') {
    if (n + 1 >= path_text::kMax) return -ENAMETOOLONG;
    out[n] = s[n];
    ++n;
  }
  out[n] = '\0';
  *len = n;
  return 0;
}

// "/proc/self/fd/<fd>" into out.
void proc_fd_path(int fd, char* out) {
  const char head[] = "/proc/self/fd/";
  size_t n = 0;
  for (; head[n] != '\0'; ++n) out[n] = head[n];
  n += path_text::put_dec(out + n, fd);
  out[n] = '\0';
}

bool ends_with(const char* s, size_t n, const char* suffix) {
  size_t m = 0;
  while (suffix[m] != '\0') ++m;
  if (m > n) return false;
  for (size_t i = 0; i < m; ++i)
    if (s[n - m + i] != suffix[i]) return false;
  return true;
}

// The directory a relative path starts from: the cwd, or what dirfd names.
long base_directory(int dirfd, char* out, size_t* len) {
  long r;
  if (dirfd == AT_FDCWD) {
    r = sys::call(__NR_getcwd, sys::ptr(out), path_text::kMax);
    if (sys::failed(r)) return r;
    *len = r > 0 ? static_cast<size_t>(r - 1) : 0;  // getcwd counts the NUL
  } else {
    if (dirfd < 0) return -EBADF;
    char link[32];
    proc_fd_path(dirfd, link);
    r = sys::call(__NR_readlinkat, AT_FDCWD, sys::ptr(link), sys::ptr(out), path_text::kMax - 1);
    if (r == -ENOENT) return -EBADF;
    if (sys::failed(r)) return r;
    *len = static_cast<size_t>(r);
    out[*len] = '\0';
  }
  if (*len == 0 || out[0] != '/') return -ENOTDIR;  // "pipe:[..]", "(unreachable)/..."
  if (ends_with(out, *len, " (deleted)")) return -ENOENT;
  return 0;
}

// The absolute, normalised, canonical form of the program's path argument.
long absolute(const Ctx& c, int dirfd, uint64_t user_path, Path* p) {
  char raw[path_text::kMax];
  size_t raw_len = 0;
  if (long r = read_user_path(user_path, raw, &raw_len); r != 0) return r;
  if (raw_len == 0) return -ENOENT;
  char base[path_text::kMax];
  size_t base_len = 0;
  if (raw[0] != '/') {
    if (long r = base_directory(dirfd, base, &base_len); r != 0) return r;
  }
  if (!path_text::join_normalise(base, base_len, raw, raw_len, p)) return -ENAMETOOLONG;
  path_text::canonical_proc(p, c.pid, c.tid);
  return 0;
}

void remember(const Ctx& c, const Path& p, uint32_t rule, bool denied) {
  c.d->rule = rule;
  c.d->denied = denied;
  size_t n = p.len < sizeof(c.d->path) - 1 ? p.len : sizeof(c.d->path) - 1;
  for (size_t i = 0; i < n; ++i) c.d->path[i] = p.buf[i];
  c.d->path[n] = '\0';
}

// What the rules say about p for this kind of access: 0, or the errno to answer.
long judge(const Ctx& c, const Path& p, Access a) {
  uint32_t rule = 0;
  long r = -static_cast<long>(pt::judge_path(c.h, p.buf, p.len, a == kWrite || a == kNameChange, &rule));
  if (r == 0 && a == kNameChange) {
    // The name lives in its parent directory, which must be writable too.
    size_t parent_len, last_begin;
    path_text::split_last(p.buf, p.len, &parent_len, &last_begin);
    r = -static_cast<long>(pt::judge_path(c.h, p.buf, parent_len, true, &rule));
  }
  remember(c, p, rule, r != 0);
  return r;
}

bool physical_prefix(const Ctx& c, const Path& p, size_t n, char* out, size_t out_size) {
  Path q;
  for (size_t i = 0; i < n; ++i) q.buf[i] = p.buf[i];
  q.len = n;
  q.buf[n] = '\0';
  return path_text::physical(q, c.pid, out, out_size);
}

// The kernel met a symlink somewhere in p: finds the first one (the last
// component too when include_last) and puts its target in its place.  Returns 1
// when p changed, 0 when there was no symlink, or -errno.
long expand_first_link(const Ctx& c, Path* p, bool include_last) {
  size_t parent_len, last_begin;
  path_text::split_last(p->buf, p->len, &parent_len, &last_begin);
  long result = 0;
  char phys[path_text::kMax + 32];
  char target[path_text::kMax];
  path_text::for_each_prefix(*p, [&](size_t end) {
    if (!include_last && end > parent_len) return false;
    if (!physical_prefix(c, *p, end, phys, sizeof phys)) {
      result = -ENAMETOOLONG;
      return false;
    }
    const long r = sys::call(__NR_readlinkat, AT_FDCWD, sys::ptr(phys), sys::ptr(target), sizeof target - 1);
    if (r == -EINVAL) return true;  // not a symlink: on to the next component
    if (sys::failed(r)) {
      result = r;
      return false;
    }
    const size_t n = static_cast<size_t>(r);
    target[n] = '\0';
    // A magic link of /proc to something that is not a path (a pipe, a socket).
    if (target[0] != '/' && p->len > 6 && starts_with(p->buf, "/proc/")) {
      result = -EACCES;
      return false;
    }
    if (ends_with(target, n, " (deleted)")) {
      result = -ENOENT;
      return false;
    }
    if (!path_text::substitute_link(p, end, target, n)) {
      result = -ENAMETOOLONG;
      return false;
    }
    path_text::canonical_proc(p, c.pid, c.tid);
    result = 1;
    return false;
  });
  return result;
}

// A path split for an *at call: its parent opened without following symlinks.
struct Target {
  Path p;
  char name[kNameMax];
  int pfd = -1;

  ~Target() {
    if (pfd >= 0) sys::close(pfd);
  }
  void release() {
    if (pfd >= 0) sys::close(pfd);
    pfd = -1;
  }
};

// Judges t->p and opens its parent; with check_last, a symlink in the last
// component is followed first (for calls that follow it but have no way to
// refuse symlinks themselves).
long acquire(const Ctx& c, Target* t, Access a, bool check_last) {
  for (int links = 0; links <= kMaxLinks; ++links) {
    if (long r = judge(c, t->p, a); r != 0) return r;
    char phys[path_text::kMax + 32];
    if (!path_text::physical(t->p, c.pid, phys, sizeof phys)) return -ENAMETOOLONG;
    size_t n = 0;
    while (phys[n] != '\0') ++n;
    size_t parent_len, last_begin;
    path_text::split_last(phys, n, &parent_len, &last_begin);
    size_t k = 0;
    if (last_begin >= n || phys[last_begin] == '/') {
      t->name[k++] = '.';  // the root
    } else {
      for (size_t i = last_begin; i < n && k + 1 < kNameMax; ++i) t->name[k++] = phys[i];
      if (k + 1 >= kNameMax) return -ENAMETOOLONG;
    }
    t->name[k] = '\0';
    phys[parent_len] = '\0';
    t->release();
    const long pfd = openat2(AT_FDCWD, phys, O_PATH | O_DIRECTORY | O_CLOEXEC, 0, kNoLinks);
    if (pfd == -ELOOP) {
      const long e = expand_first_link(c, &t->p, false);
      if (e == 1) continue;
      return e < 0 ? e : -ELOOP;
    }
    if (sys::failed(pfd)) return pfd;
    t->pfd = static_cast<int>(pfd);
    if (check_last) {
      char one;
      if (sys::call(__NR_readlinkat, t->pfd, sys::ptr(t->name), sys::ptr(&one), 1) >= 0) {
        const long e = expand_first_link(c, &t->p, true);
        if (e == 1) continue;
        return e < 0 ? e : -ELOOP;
      }
    }
    return 0;
  }
  return -ELOOP;
}

// Follows a symlink found in the last component after the call ran on it.
long follow_last(const Ctx& c, Target* t) {
  t->release();
  const long e = expand_first_link(c, &t->p, true);
  return e == 1 ? 0 : (e < 0 ? e : -ELOOP);
}

bool is_write_open(uint64_t flags) {
  return (flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC)) != 0 || (flags & __O_TMPFILE) == __O_TMPFILE;
}

bool protected_fd(long fd) { return fd == __atomic_load_n(&g_state.arena_fd, __ATOMIC_RELAXED) ||
                                    fd == __atomic_load_n(&g_state.event_fd, __ATOMIC_RELAXED); }

// open, openat, openat2, creat: one openat2 on the judged path does it all.
long run_open(const Ctx& c, Path* p, uint64_t flags, uint64_t mode, uint64_t resolve) {
  const Access a = is_write_open(flags) ? kWrite : kRead;
  const bool follow = (flags & O_NOFOLLOW) == 0;
  for (int links = 0; links <= kMaxLinks; ++links) {
    char phys[path_text::kMax + 32];
    if (!path_text::physical(*p, c.pid, phys, sizeof phys)) return -ENAMETOOLONG;
    // /proc/self/fd/N: the program reopening a file it holds (/dev/stdout is a
    // symlink to it).  Allowed through the magic link, where /proc/self/fd is
    // visible, as long as it asks for no more than the fd already gives.
    if (const long fd = path_text::proc_self_fd(p->buf, p->len); fd >= 0 && follow) {
      if (protected_fd(fd)) return -ENOENT;
      const long fl = sys::fcntl(static_cast<int>(fd), 3 /* F_GETFL */);
      if (sys::failed(fl)) return -ENOENT;
      const uint64_t want = flags & O_ACCMODE, have = static_cast<uint64_t>(fl) & O_ACCMODE;
      const bool within = want == have || (want == O_RDONLY && have == O_RDWR) || (want == O_WRONLY && have == O_RDWR);
      if (within && (flags & __O_TMPFILE) != __O_TMPFILE) {
        if (long r = judge(c, *p, kRead); r != 0) return r;
        return openat2(AT_FDCWD, phys, flags, mode, resolve & ~kNoLinks);
      }
    }
    if (long r = judge(c, *p, a); r != 0) {
      // Writing through a symlink that lives in a read-only place (/dev/stdout)
      // is writing its target, which is judged on its own.
      if (r != -static_cast<long>(c.h->readonly_errno) || !follow) return r;
      const long probe = openat2(AT_FDCWD, phys, O_PATH | O_CLOEXEC, 0, kNoLinks);
      if (probe != -ELOOP) {
        if (!sys::failed(probe)) sys::close(static_cast<int>(probe));
        return r;
      }
      const long e = expand_first_link(c, p, true);
      if (e != 1) return r;
      continue;
    }
    const long r = openat2(AT_FDCWD, phys, flags, mode, resolve | kNoLinks);
    if (r != -ELOOP) return r;
    const long e = expand_first_link(c, p, follow);
    if (e != 1) return e < 0 ? e : -ELOOP;
  }
  return -ELOOP;
}

// Whether the call has AT_EMPTY_PATH with an empty path: it is about the fd
// itself, which the program already holds.
bool empty_path_on_fd(const interpose_frame* f, const PathSyscall& ps) {
  if (ps.flags < 0 || ps.path < 0) return false;
  if ((f->call_args[ps.flags] & AT_EMPTY_PATH) == 0) return false;
  const uint64_t addr = f->call_args[ps.path];
  return addr >= 4096 && *reinterpret_cast<const char*>(addr) == '\0';
}

bool follows_last(const interpose_frame* f, const PathSyscall& ps) {
  if (ps.flags < 0) return ps.follow != kNoFollow;  // openat2 decides in run_open
  switch (ps.follow) {
    case kFollow: return true;
    case kNoFollow: return false;
    case kFollowUnlessFlag: {
      const uint64_t fl = f->call_args[ps.flags];
      return (fl & (ps.op == Op::kOpen || ps.op == Op::kOpenat2 ? uint64_t{O_NOFOLLOW} : uint64_t{AT_SYMLINK_NOFOLLOW})) == 0;
    }
    case kNoFollowUnlessFlag: return (f->call_args[ps.flags] & AT_SYMLINK_FOLLOW) != 0;
  }
  return true;
}

int dirfd_of(const interpose_frame* f, int8_t arg) {
  return arg < 0 ? AT_FDCWD : static_cast<int>(f->call_args[arg]);
}

// "/proc/self/fd/<pfd>/<name>" for the calls that have no *at form (xattrs).
void fd_relative(int pfd, const char* name, char* out) {
  proc_fd_path(pfd, out);
  size_t n = 0;
  while (out[n] != '\0') ++n;
  out[n++] = '/';
  for (size_t i = 0; name[i] != '\0'; ++i) out[n++] = name[i];
  out[n] = '\0';
}

long run_stat(const Ctx& c, Target* t, const interpose_frame* f, const PathSyscall& ps, bool follow) {
  for (int links = 0; links <= kMaxLinks; ++links) {
    if (long r = acquire(c, t, kRead, false); r != 0) return r;
    long r;
    bool link = false;
    if (ps.op == Op::kStatx) {
      const uint64_t flags = (f->call_args[2] & ~uint64_t{AT_EMPTY_PATH}) | AT_SYMLINK_NOFOLLOW;
      r = sys::call(__NR_statx, t->pfd, sys::ptr(t->name), static_cast<long>(flags),
                    static_cast<long>(f->call_args[3] | 1 /* STATX_TYPE */), static_cast<long>(f->call_args[4]));
      if (r == 0) link = (reinterpret_cast<const uint16_t*>(f->call_args[4] + 0x1c)[0] & kIfmt) == kIflnk;
    } else {
      const uint64_t buf = ps.op == Op::kStatat ? f->call_args[2] : f->call_args[1];
      const uint64_t flags = ps.op == Op::kStatat ? (f->call_args[3] & AT_NO_AUTOMOUNT) : 0;
      r = sys::call(__NR_newfstatat, t->pfd, sys::ptr(t->name), static_cast<long>(buf),
                    static_cast<long>(flags | AT_SYMLINK_NOFOLLOW));
      if (r == 0) link = (reinterpret_cast<const uint32_t*>(buf + 24)[0] & kIfmt) == kIflnk;  // st_mode
    }
    if (!(r == 0 && link && follow)) return r;
    if (long e = follow_last(c, t); e != 0) return e;
  }
  return -ELOOP;
}

// Opens the last component (no symlink followed) for calls that work on an fd.
long open_last(const Ctx& c, Target* t, Access a, uint64_t flags, long* fd) {
  for (int links = 0; links <= kMaxLinks; ++links) {
    if (long r = acquire(c, t, a, false); r != 0) return r;
    const long r = openat2(t->pfd, t->name, flags | O_CLOEXEC, 0, kNoLinks);
    if (r != -ELOOP) {
      *fd = r;
      return sys::failed(r) ? r : 0;
    }
    if (long e = follow_last(c, t); e != 0) return e;
  }
  return -ELOOP;
}

struct Timespec {
  int64_t sec;
  int64_t nsec;
};
constexpr int64_t kUtimeNow = (1l << 30) - 1;

// utime/utimes/futimesat's times as utimensat's; false: no times (now).
bool times_of(const interpose_frame* f, const PathSyscall& ps, Timespec ts[2]) {
  const uint64_t arg = ps.op == Op::kFutimesat ? f->call_args[2] : f->call_args[1];
  if (arg == 0) return false;
  const auto* v = reinterpret_cast<const int64_t*>(arg);
  if (ps.op == Op::kUtime) {  // struct utimbuf {actime, modtime}
    ts[0] = {v[0], 0};
    ts[1] = {v[1], 0};
  } else {  // struct timeval[2]
    ts[0] = {v[0], v[1] * 1000};
    ts[1] = {v[2], v[3] * 1000};
  }
  return true;
}

long run_one(const Ctx& c, const interpose_frame* f, const PathSyscall& ps, Target* t, ExecScratch* exec,
             Outcome* outcome) {
  const uint64_t* a = f->call_args;
  const bool follow = follows_last(f, ps);
  switch (ps.op) {
    case Op::kOpen: {
      const uint64_t flags = ps.dirfd < 0 ? a[1] : a[2];
      const uint64_t mode = ps.dirfd < 0 ? a[2] : a[3];
      return run_open(c, &t->p, flags, (flags & (O_CREAT | __O_TMPFILE)) ? mode : 0, 0);
    }
    case Op::kCreat:
      return run_open(c, &t->p, O_CREAT | O_WRONLY | O_TRUNC, a[1], 0);
    case Op::kOpenat2: {
      const auto* how = reinterpret_cast<const open_how*>(a[2]);
      if (a[2] < 4096) return -EFAULT;
      if (a[3] < sizeof(open_how)) return -EINVAL;
      // BENEATH / IN_ROOT are about the dirfd, which the absolute path no longer
      // names: they are refused rather than silently widened.
      if (how->resolve & (RESOLVE_BENEATH | RESOLVE_IN_ROOT)) return -EXDEV;
      return run_open(c, &t->p, how->flags, how->mode, how->resolve);
    }
    case Op::kStat:
    case Op::kLstat:
    case Op::kStatat:
    case Op::kStatx:
      return run_stat(c, t, f, ps, follow);
    case Op::kAccess:
    case Op::kFaccessat: {
      const uint64_t mode = a[ps.dirfd < 0 ? 1 : 2];
      const Access acc = (mode & 2 /* W_OK */) ? kWrite : kRead;
      if (long r = acquire(c, t, acc, follow); r != 0) return r;
      const uint64_t flags = (f->nr == __NR_faccessat2 ? a[3] & 0x200 /* AT_EACCESS */ : 0) | AT_SYMLINK_NOFOLLOW;
      return sys::call(__NR_faccessat2, t->pfd, sys::ptr(t->name), static_cast<long>(mode), static_cast<long>(flags));
    }
    case Op::kReadlink:
    case Op::kReadlinkat: {
      if (long r = acquire(c, t, kRead, false); r != 0) return r;
      const int bi = ps.dirfd < 0 ? 1 : 2;
      return sys::call(__NR_readlinkat, t->pfd, sys::ptr(t->name), static_cast<long>(a[bi]), static_cast<long>(a[bi + 1]));
    }
    case Op::kExec:
    case Op::kExecat: {
      if (long r = acquire(c, t, kRead, follow); r != 0) return r;
      if (!path_text::physical(t->p, c.pid, exec->path, sizeof exec->path)) return -ENAMETOOLONG;
      *outcome = Outcome::kExec;
      return 0;
    }
    case Op::kChdir: {
      long fd = -1;
      if (long r = open_last(c, t, kRead, O_PATH | O_DIRECTORY, &fd); r != 0) return r;
      const long r = sys::call(__NR_fchdir, fd);
      sys::close(static_cast<int>(fd));
      return r;
    }
    case Op::kMkdir:
    case Op::kMkdirat: {
      if (long r = acquire(c, t, ps.access, false); r != 0) return r;
      return sys::call(__NR_mkdirat, t->pfd, sys::ptr(t->name), static_cast<long>(a[ps.dirfd < 0 ? 1 : 2]));
    }
    case Op::kRmdir:
    case Op::kUnlink:
    case Op::kUnlinkat: {
      if (long r = acquire(c, t, ps.access, false); r != 0) return r;
      const long flags = ps.op == Op::kRmdir ? AT_REMOVEDIR : ps.op == Op::kUnlinkat ? static_cast<long>(a[2]) : 0;
      return sys::call(__NR_unlinkat, t->pfd, sys::ptr(t->name), flags);
    }
    case Op::kSymlink:
    case Op::kSymlinkat: {
      if (long r = acquire(c, t, ps.access, false); r != 0) return r;
      return sys::call(__NR_symlinkat, static_cast<long>(a[0]), t->pfd, sys::ptr(t->name));
    }
    case Op::kMknod:
    case Op::kMknodat: {
      if (long r = acquire(c, t, ps.access, false); r != 0) return r;
      const int mi = ps.dirfd < 0 ? 1 : 2;
      return sys::call(__NR_mknodat, t->pfd, sys::ptr(t->name), static_cast<long>(a[mi]), static_cast<long>(a[mi + 1]));
    }
    case Op::kChmod:
    case Op::kFchmodat: {
      // No *at form refuses a symlink everywhere: chmod the inode through an
      // O_PATH fd's magic link, which names exactly what was opened.
      long fd = -1;
      if (long r = open_last(c, t, ps.access, O_PATH, &fd); r != 0) return r;
      char via[48];
      proc_fd_path(static_cast<int>(fd), via);
      const long r = sys::call(__NR_fchmodat, AT_FDCWD, sys::ptr(via), static_cast<long>(a[ps.dirfd < 0 ? 1 : 2]));
      sys::close(static_cast<int>(fd));
      return r;
    }
    case Op::kChown:
    case Op::kLchown:
    case Op::kFchownat: {
      if (long r = acquire(c, t, ps.access, follow); r != 0) return r;
      const int ui = ps.dirfd < 0 ? 1 : 2;
      return sys::call(__NR_fchownat, t->pfd, sys::ptr(t->name), static_cast<long>(a[ui]), static_cast<long>(a[ui + 1]),
                       AT_SYMLINK_NOFOLLOW);
    }
    case Op::kTruncate: {
      long fd = -1;
      if (long r = open_last(c, t, kWrite, O_WRONLY, &fd); r != 0) return r;
      const long r = sys::call(__NR_ftruncate, fd, static_cast<long>(a[1]));
      sys::close(static_cast<int>(fd));
      return r;
    }
    case Op::kUtime:
    case Op::kUtimes:
    case Op::kFutimesat:
    case Op::kUtimensat: {
      if (long r = acquire(c, t, ps.access, follow); r != 0) return r;
      Timespec ts[2];
      uint64_t times = 0;
      if (ps.op == Op::kUtimensat) times = a[2];
      else if (times_of(f, ps, ts)) times = reinterpret_cast<uint64_t>(ts);
      return sys::call(__NR_utimensat, t->pfd, sys::ptr(t->name), static_cast<long>(times), AT_SYMLINK_NOFOLLOW);
    }
    case Op::kXattrRead:
    case Op::kXattrWrite: {
      if (long r = acquire(c, t, ps.access, follow); r != 0) return r;
      char via[kNameMax + 48];
      fd_relative(t->pfd, t->name, via);
      long nr = f->nr;  // the l* variant: the last component is no symlink now
      switch (f->nr) {
        case __NR_getxattr: nr = __NR_lgetxattr; break;
        case __NR_listxattr: nr = __NR_llistxattr; break;
        case __NR_setxattr: nr = __NR_lsetxattr; break;
        case __NR_removexattr: nr = __NR_lremovexattr; break;
      }
      return sys::call(nr, sys::ptr(via), static_cast<long>(a[1]), static_cast<long>(a[2]), static_cast<long>(a[3]),
                       static_cast<long>(a[4]));
    }
    case Op::kStatfs: {
      long fd = -1;
      if (long r = open_last(c, t, kRead, O_PATH, &fd); r != 0) return r;
      const long r = sys::call(__NR_fstatfs, fd, static_cast<long>(a[1]));
      sys::close(static_cast<int>(fd));
      return r;
    }
    case Op::kInotify:
    case Op::kFanotify:
    case Op::kNameToHandle: {
      // Judged, then run on the judged path (their objects are watches and
      // handles, not file contents; the student policy refuses them anyway).
      if (long r = acquire(c, t, kRead, follow); r != 0) return r;
      char via[kNameMax + 48];
      fd_relative(t->pfd, t->name, via);
      long args[6];
      for (int i = 0; i < 6; ++i) args[i] = static_cast<long>(a[i]);
      if (ps.dirfd >= 0) args[ps.dirfd] = AT_FDCWD;
      args[ps.path] = sys::ptr(via);
      return g_app_syscall(static_cast<long>(f->call_nr), args[0], args[1], args[2], args[3], args[4], args[5]);
    }
    case Op::kRename:
    case Op::kRenameat:
    case Op::kRenameat2:
    case Op::kLink:
    case Op::kLinkat:
    case Op::kDenyAlways:
      break;  // two paths: run_two
  }
  return -EPERM;
}

// rename and link: both paths judged, both parents held, then one *at call.
long run_two(const Ctx& c, const interpose_frame* f, const PathSyscall& ps, Target* from) {
  const uint64_t* a = f->call_args;
  const bool is_link = ps.op == Op::kLink || ps.op == Op::kLinkat;
  // A hard link is a second name for the inode: writing through it writes the
  // original, so the original must be writable.
  if (long r = acquire(c, from, is_link ? kWrite : kNameChange, is_link && follows_last(f, ps)); r != 0) return r;
  Target to;
  if (long r = absolute(c, dirfd_of(f, ps.dirfd2), a[ps.path2], &to.p); r != 0) return r;
  if (long r = acquire(c, &to, ps.access2, false); r != 0) return r;
  if (is_link) return sys::call(__NR_linkat, from->pfd, sys::ptr(from->name), to.pfd, sys::ptr(to.name), 0);
  const long flags = ps.op == Op::kRenameat2 ? static_cast<long>(a[4]) : 0;
  return sys::call(__NR_renameat2, from->pfd, sys::ptr(from->name), to.pfd, sys::ptr(to.name), flags);
}

}  // namespace

Outcome run(interpose_frame* f, const PathSyscall& ps, const pt::Header* h, ExecScratch* exec, Decision* d,
            long* result) {
  *result = 0;
  Outcome outcome = Outcome::kAnswer;
  if (ps.op == Op::kDenyAlways) {
    d->denied = true;
    *result = -EPERM;
    return outcome;
  }
  long pid, tid;
  current_ids(&pid, &tid);
  const Ctx c{h, pid, tid, d};
  // A call about a held fd (AT_EMPTY_PATH, fanotify_mark or utimensat without
  // a path): nothing to judge, the fd passed the rules when it was opened.
  if (empty_path_on_fd(f, ps) || ps.path < 0 || (f->call_args[ps.path] == 0 && (ps.op == Op::kUtimensat || ps.op == Op::kFanotify))) {
    if (ps.op == Op::kExecat) return Outcome::kExec;  // fexecve: runs with the runtime as any exec
    *result = hook::g_app_syscall(static_cast<long>(f->call_nr), static_cast<long>(f->call_args[0]),
                                  static_cast<long>(f->call_args[1]), static_cast<long>(f->call_args[2]),
                                  static_cast<long>(f->call_args[3]), static_cast<long>(f->call_args[4]),
                                  static_cast<long>(f->call_args[5]));
    return outcome;
  }
  Target t;
  if (long r = absolute(c, dirfd_of(f, ps.dirfd), f->call_args[ps.path], &t.p); r != 0) {
    *result = r;
    return outcome;
  }
  const bool two = ps.op == Op::kRename || ps.op == Op::kRenameat || ps.op == Op::kRenameat2 || ps.op == Op::kLink ||
                   ps.op == Op::kLinkat;
  *result = two ? run_two(c, f, ps, &t) : run_one(c, f, ps, &t, exec, &outcome);
  if (outcome == Outcome::kExec) {
    if (f->nr == __NR_execveat) {
      f->call_args[0] = static_cast<uint64_t>(AT_FDCWD);
      f->call_args[1] = reinterpret_cast<uint64_t>(exec->path);
    } else {
      f->call_args[0] = reinterpret_cast<uint64_t>(exec->path);
    }
  }
  return outcome;
}

namespace {

// The parts of the two dirent layouts the filter needs.
struct Dirent64 {
  uint64_t ino;
  int64_t off;
  uint16_t reclen;
  uint8_t type;
  char name[1];
};
struct Dirent {
  uint64_t ino;
  uint64_t off;
  uint16_t reclen;
  char name[1];
};

}  // namespace

long getdents_filtered(const pt::Header* h, long nr, int fd, void* buf, unsigned count) {
  auto run = [&] { return sys::call(nr, fd, sys::ptr(buf), count); };
  char link[32];
  proc_fd_path(fd, link);
  Path dir;
  const long n = sys::call(__NR_readlinkat, AT_FDCWD, sys::ptr(link), sys::ptr(dir.buf), path_text::kMax - 1);
  if (sys::failed(n) || n == 0 || dir.buf[0] != '/') return run();
  dir.len = static_cast<size_t>(n);
  dir.buf[dir.len] = '\0';
  long pid, tid;
  current_ids(&pid, &tid);
  path_text::canonical_proc(&dir, pid, tid);
  const pt::PathVerdict v = pt::match_path(h, dir.buf, dir.len);
  if ((v.kind == pt::kPathReadOnly || v.kind == pt::kPathReadWrite) && !v.deeper) return run();
  for (;;) {
    const long r = run();
    if (r <= 0) return r;
    char* p = static_cast<char*>(buf);
    size_t in = 0, out = 0;
    while (in < static_cast<size_t>(r)) {
      const char* name;
      uint16_t reclen;
      if (nr == __NR_getdents64) {
        const auto* e = reinterpret_cast<const Dirent64*>(p + in);
        name = e->name;
        reclen = e->reclen;
      } else {
        const auto* e = reinterpret_cast<const Dirent*>(p + in);
        name = e->name;
        reclen = e->reclen;
      }
      bool keep = true;
      if (!(name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0')))) {
        Path child = dir;
        size_t k = child.len;
        if (k > 1) child.buf[k++] = '/';
        for (size_t i = 0; name[i] != '\0' && k + 1 < path_text::kMax; ++i) child.buf[k++] = name[i];
        child.len = k;
        child.buf[k] = '\0';
        path_text::canonical_proc(&child, pid, tid);
        const pt::PathVerdict cv = pt::match_path(h, child.buf, child.len);
        keep = cv.kind == pt::kPathReadOnly || cv.kind == pt::kPathReadWrite || cv.ancestor;
      }
      if (keep) {
        if (out != in)
          for (size_t i = 0; i < reclen; ++i) p[out + i] = p[in + i];
        out += reclen;
      }
      in += reclen;
    }
    if (out > 0) return static_cast<long>(out);
  }
}

}  // namespace interpose::hook::paths
