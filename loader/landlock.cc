#include "landlock.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <vector>

#include "path_text.h"
#include "policy_eval.h"

// Landlock ABI 3 (Linux 6.2): truncate(2) and O_TRUNC.  Debian 12's headers
// (Linux 6.1) predate it; the value is the kernel's uapi one.
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif

namespace interpose::loader {

namespace {

namespace pt = policy_table;

constexpr uint64_t kFileRights =
    LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE;
constexpr uint64_t kReadRights = LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR;

struct Grant {
  std::string path;
  uint64_t rights;
  unsigned char type = DT_UNKNOWN;  // from the directory entry, when the walk saw one
};

class Walker {
 public:
  Walker(const pt::Header* h, uint64_t handled) : h_(h), handled_(handled), pid_(getpid()) {}

  // What the rules allow at `phys` (a physical path), entry by entry where
  // something below it is ruled differently.
  void walk(const std::string& phys, int depth, unsigned char type = DT_DIR) {
    hook::path_text::Path p;
    if (phys.size() >= sizeof p.buf) return;
    p.len = phys.size();
    phys.copy(p.buf, p.len);
    p.buf[p.len] = '\0';
    hook::path_text::canonical_proc(&p, pid_, pid_);
    const pt::PathVerdict v = pt::match_path(h_, p.buf, p.len);
    const bool allowed = v.kind == pt::kPathReadOnly || v.kind == pt::kPathReadWrite;
    if (allowed && !v.deeper) {
      grants_.push_back({phys, (v.kind == pt::kPathReadWrite ? handled_ : kReadRights) & handled_, type});
      return;
    }
    if (!v.deeper || (!allowed && !v.ancestor) || depth > 24) return;
    // A readable directory with something ruled differently inside: it may be
    // listed (names only; the runtime leaves hidden names out), its entries
    // are granted one by one below.
    if (allowed) grants_.push_back({phys, LANDLOCK_ACCESS_FS_READ_DIR & handled_, DT_DIR});
    DIR* d = opendir(phys.c_str());
    if (d == nullptr) return;
    while (dirent* e = readdir(d)) {
      const std::string name = e->d_name;
      if (name == "." || name == "..") continue;
      const std::string child = (phys == "/" ? "" : phys) + "/" + name;
      // A symlink's target is judged by its own path; nothing to grant here.
      // The entry's type comes with it (d_type): one lstat per entry of /proc
      // or a busy /tmp would cost thousands of syscalls per run.
      if (e->d_type == DT_LNK) continue;
      unsigned char type = e->d_type;
      struct stat st;
      if (type == DT_UNKNOWN) {
        if (lstat(child.c_str(), &st) != 0 || S_ISLNK(st.st_mode)) continue;
        type = S_ISDIR(st.st_mode) ? DT_DIR : DT_REG;
      }
      walk(child, depth + 1, type);
    }
    closedir(d);
  }

  std::vector<Grant>& grants() { return grants_; }

 private:
  const pt::Header* h_;
  uint64_t handled_;
  long pid_;
  std::vector<Grant> grants_;
};

}  // namespace

LandlockResult apply_landlock(const pt::Header* h, const std::string& extra_read) {
  LandlockResult r;
  const long abi = syscall(SYS_landlock_create_ruleset, nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION);
  if (abi < 1) {
    r.unsupported = true;
    return r;
  }
  r.abi = static_cast<int>(abi);
  uint64_t handled = (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1;  // ABI 1: bits 0..12
  if (abi >= 2) handled |= LANDLOCK_ACCESS_FS_REFER;
  if (abi >= 3) handled |= LANDLOCK_ACCESS_FS_TRUNCATE;
  landlock_ruleset_attr attr{handled};
  const int ruleset = static_cast<int>(syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0));
  if (ruleset < 0) {
    r.error = errno;
    return r;
  }
  Walker w(h, handled);
  w.walk("/", 0);
  if (!extra_read.empty()) w.grants().push_back({extra_read, kReadRights & handled});
  for (const Grant& g : w.grants()) {
    const int fd = open(g.path.c_str(), O_PATH | O_CLOEXEC);
    if (fd < 0) continue;
    uint64_t rights = g.rights;
    struct stat st;
    if (g.type != DT_DIR && (g.type != DT_UNKNOWN || (fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode))))
      rights &= kFileRights;
    landlock_path_beneath_attr rule{rights, fd};
    if (syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0) == 0) ++r.rules;
    close(fd);
  }
  if (syscall(SYS_landlock_restrict_self, ruleset, 0) != 0) r.error = errno;
  close(ruleset);
  return r;
}

}  // namespace interpose::loader
