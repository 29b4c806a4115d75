// The x86-64 syscalls that take file paths, and how: which arguments are the
// path and its directory fd, what access they need, whether they follow a
// symlink in the last component.  The policy compiler marks these for path
// checks; the runtime (paths.cc) checks and runs them.
#pragma once

#include <asm/unistd_64.h>
#include <stdint.h>

namespace interpose::paths {

enum Access : uint8_t {
  kRead,        // look at it: stat, access, readlink, open read-only, exec
  kWrite,       // change it or what is under it: create, remove, rename, chmod...
  kByOpenFlags, // open: O_WRONLY/O_RDWR/O_CREAT/O_TRUNC make it a write
  kTraverse,    // chdir: directories only
  kNameChange,  // create, remove or rename a name, or change its owner, mode,
                // times or xattrs: the path and its parent directory must both be
                // writable (a writable /dev/null may be written, not removed)
};

enum Follow : uint8_t {
  kFollow,          // a symlink in the last component is followed
  kNoFollow,        // it is not (lstat, unlink, rename...)
  kFollowUnlessFlag,  // followed unless AT_SYMLINK_NOFOLLOW (or O_NOFOLLOW) is in flags_arg
  kNoFollowUnlessFlag,  // not followed unless AT_SYMLINK_FOLLOW is in flags_arg (linkat)
};

// The operation the runtime runs in the program's place, on a directory fd it
// opened itself without following symlinks (race-free: see paths.cc).
enum class Op : uint8_t {
  kOpen, kOpenat2, kCreat, kStat, kLstat, kStatat, kStatx, kAccess, kFaccessat, kReadlink, kReadlinkat, kExec,
  kExecat, kChdir, kMkdir, kMkdirat, kRmdir, kUnlink, kUnlinkat, kRename, kRenameat, kRenameat2, kLink, kLinkat,
  kSymlink, kSymlinkat, kMknod, kMknodat, kChmod, kFchmodat, kChown, kLchown, kFchownat, kTruncate, kUtime,
  kUtimes, kFutimesat, kUtimensat, kXattrRead, kXattrWrite, kStatfs, kInotify, kFanotify, kNameToHandle,
  kDenyAlways,  // bypasses path checks altogether (open_by_handle_at): refused
};

struct PathSyscall {
  int nr;
  Op op;
  Access access;
  Follow follow;
  int8_t dirfd;   // argument holding the directory fd, -1: relative to the cwd
  int8_t path;    // argument holding the path
  int8_t flags;   // argument holding AT_* or O_* flags, -1: none
  int8_t dirfd2;  // second path (rename, link), -1: none
  int8_t path2;
  Access access2;
};

inline constexpr PathSyscall kPathSyscalls[] = {
    {__NR_open, Op::kOpen, kByOpenFlags, kFollowUnlessFlag, -1, 0, 1, -1, -1, kRead},
    {__NR_openat, Op::kOpen, kByOpenFlags, kFollowUnlessFlag, 0, 1, 2, -1, -1, kRead},
    {__NR_openat2, Op::kOpenat2, kByOpenFlags, kFollowUnlessFlag, 0, 1, -1, -1, -1, kRead},
    {__NR_creat, Op::kCreat, kWrite, kFollow, -1, 0, -1, -1, -1, kRead},
    {__NR_stat, Op::kStat, kRead, kFollow, -1, 0, -1, -1, -1, kRead},
    {__NR_lstat, Op::kLstat, kRead, kNoFollow, -1, 0, -1, -1, -1, kRead},
    {__NR_newfstatat, Op::kStatat, kRead, kFollowUnlessFlag, 0, 1, 3, -1, -1, kRead},
    {__NR_statx, Op::kStatx, kRead, kFollowUnlessFlag, 0, 1, 2, -1, -1, kRead},
    {__NR_access, Op::kAccess, kRead, kFollow, -1, 0, -1, -1, -1, kRead},
    {__NR_faccessat, Op::kFaccessat, kRead, kFollow, 0, 1, -1, -1, -1, kRead},
    {__NR_faccessat2, Op::kFaccessat, kRead, kFollowUnlessFlag, 0, 1, 3, -1, -1, kRead},
    {__NR_readlink, Op::kReadlink, kRead, kNoFollow, -1, 0, -1, -1, -1, kRead},
    {__NR_readlinkat, Op::kReadlinkat, kRead, kNoFollow, 0, 1, -1, -1, -1, kRead},
    {__NR_execve, Op::kExec, kRead, kFollow, -1, 0, -1, -1, -1, kRead},
    {__NR_execveat, Op::kExecat, kRead, kFollowUnlessFlag, 0, 1, 4, -1, -1, kRead},
    {__NR_chdir, Op::kChdir, kTraverse, kFollow, -1, 0, -1, -1, -1, kRead},
    {__NR_mkdir, Op::kMkdir, kNameChange, kNoFollow, -1, 0, -1, -1, -1, kRead},
    {__NR_mkdirat, Op::kMkdirat, kNameChange, kNoFollow, 0, 1, -1, -1, -1, kRead},
    {__NR_rmdir, Op::kRmdir, kNameChange, kNoFollow, -1, 0, -1, -1, -1, kRead},
    {__NR_unlink, Op::kUnlink, kNameChange, kNoFollow, -1, 0, -1, -1, -1, kRead},
    {__NR_unlinkat, Op::kUnlinkat, kNameChange, kNoFollow, 0, 1, -1, -1, -1, kRead},
    {__NR_rename, Op::kRename, kNameChange, kNoFollow, -1, 0, -1, -1, 1, kNameChange},
    {__NR_renameat, Op::kRenameat, kNameChange, kNoFollow, 0, 1, -1, 2, 3, kNameChange},
    {__NR_renameat2, Op::kRenameat2, kNameChange, kNoFollow, 0, 1, -1, 2, 3, kNameChange},
    {__NR_link, Op::kLink, kRead, kNoFollow, -1, 0, -1, -1, 1, kNameChange},
    {__NR_linkat, Op::kLinkat, kRead, kNoFollowUnlessFlag, 0, 1, 4, 2, 3, kNameChange},
    {__NR_symlink, Op::kSymlink, kNameChange, kNoFollow, -1, 1, -1, -1, -1, kRead},
    {__NR_symlinkat, Op::kSymlinkat, kNameChange, kNoFollow, 1, 2, -1, -1, -1, kRead},
    {__NR_mknod, Op::kMknod, kNameChange, kNoFollow, -1, 0, -1, -1, -1, kRead},
    {__NR_mknodat, Op::kMknodat, kNameChange, kNoFollow, 0, 1, -1, -1, -1, kRead},
    {__NR_chmod, Op::kChmod, kNameChange, kFollow, -1, 0, -1, -1, -1, kRead},
    {__NR_fchmodat, Op::kFchmodat, kNameChange, kFollow, 0, 1, -1, -1, -1, kRead},
    {__NR_chown, Op::kChown, kNameChange, kFollow, -1, 0, -1, -1, -1, kRead},
    {__NR_lchown, Op::kLchown, kNameChange, kNoFollow, -1, 0, -1, -1, -1, kRead},
    {__NR_fchownat, Op::kFchownat, kNameChange, kFollowUnlessFlag, 0, 1, 4, -1, -1, kRead},
    {__NR_truncate, Op::kTruncate, kWrite, kFollow, -1, 0, -1, -1, -1, kRead},
    {__NR_utime, Op::kUtime, kNameChange, kFollow, -1, 0, -1, -1, -1, kRead},
    {__NR_utimes, Op::kUtimes, kNameChange, kFollow, -1, 0, -1, -1, -1, kRead},
    {__NR_futimesat, Op::kFutimesat, kNameChange, kFollow, 0, 1, -1, -1, -1, kRead},
    {__NR_utimensat, Op::kUtimensat, kNameChange, kFollowUnlessFlag, 0, 1, 3, -1, -1, kRead},
    {__NR_getxattr, Op::kXattrRead, kRead, kFollow, -1, 0, -1, -1, -1, kRead},
    {__NR_lgetxattr, Op::kXattrRead, kRead, kNoFollow, -1, 0, -1, -1, -1, kRead},
    {__NR_listxattr, Op::kXattrRead, kRead, kFollow, -1, 0, -1, -1, -1, kRead},
    {__NR_llistxattr, Op::kXattrRead, kRead, kNoFollow, -1, 0, -1, -1, -1, kRead},
    {__NR_setxattr, Op::kXattrWrite, kNameChange, kFollow, -1, 0, -1, -1, -1, kRead},
    {__NR_lsetxattr, Op::kXattrWrite, kNameChange, kNoFollow, -1, 0, -1, -1, -1, kRead},
    {__NR_removexattr, Op::kXattrWrite, kNameChange, kFollow, -1, 0, -1, -1, -1, kRead},
    {__NR_lremovexattr, Op::kXattrWrite, kNameChange, kNoFollow, -1, 0, -1, -1, -1, kRead},
    {__NR_statfs, Op::kStatfs, kRead, kFollow, -1, 0, -1, -1, -1, kRead},
    {__NR_inotify_add_watch, Op::kInotify, kRead, kFollow, -1, 1, -1, -1, -1, kRead},
    {__NR_fanotify_mark, Op::kFanotify, kRead, kFollow, 3, 4, -1, -1, -1, kRead},
    {__NR_name_to_handle_at, Op::kNameToHandle, kRead, kFollowUnlessFlag, 0, 1, 4, -1, -1, kRead},
    {__NR_open_by_handle_at, Op::kDenyAlways, kRead, kFollow, -1, -1, -1, -1, -1, kRead},
};

inline constexpr const PathSyscall* find_path_syscall(long nr) {
  for (const PathSyscall& p : kPathSyscalls)
    if (p.nr == nr) return &p;
  return nullptr;
}

}  // namespace interpose::paths
