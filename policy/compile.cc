// Compiling a policy into the flat table the runtime evaluates (policy_table.h).
#include <asm/unistd_64.h>

#include <cstring>
#include <map>
#include <set>

#include "path_syscalls.h"
#include "policy.h"
#include "syscall_names.h"

namespace interpose::policy {

namespace {

namespace pt = policy_table;

class Strings {
 public:
  uint32_t add(const std::string& s) {
    auto it = index_.find(s);
    if (it != index_.end()) return it->second;
    const uint32_t at = static_cast<uint32_t>(bytes_.size());
    bytes_.insert(bytes_.end(), s.begin(), s.end());
    bytes_.push_back('\0');
    index_.emplace(s, at);
    return at;
  }
  const std::vector<char>& bytes() const { return bytes_; }

 private:
  std::vector<char> bytes_{'\0'};  // offset 0: ""
  std::map<std::string, uint32_t> index_{{"", 0}};
};

// "/a//b/./c/" -> "/a/b/c"; false on "..".
bool normalise(const std::string& in, std::string* out) {
  std::string r;
  size_t i = 0;
  while (i < in.size()) {
    while (i < in.size() && in[i] == '/') ++i;
    size_t j = i;
    while (j < in.size() && in[j] != '/') ++j;
    const std::string c = in.substr(i, j - i);
    i = j;
    if (c.empty() || c == ".") continue;
    if (c == "..") return false;
    r += "/" + c;
  }
  *out = r.empty() ? "/" : r;
  return true;
}

uint16_t components(const std::string& p) {
  uint16_t n = 0;
  for (size_t i = 0; i < p.size(); ++i)
    if (p[i] == '/' && i + 1 < p.size()) ++n;
  return n;
}

std::string rule_label(const SyscallRule& r) {
  std::string names;
  for (size_t i = 0; i < r.syscalls.size() && i < 4; ++i) names += std::string(i ? ", " : "") + syscall_name(r.syscalls[i]);
  if (r.syscalls.size() > 4) names += ", ...";
  return r.where + " (" + names + ")";
}

bool expand(const std::string& pattern, const Vars& v, std::string* out, std::string* missing) {
  std::string r = pattern;
  const std::pair<const char*, const std::string*> vars[] = {
      {"${WORKDIR}", &v.workdir}, {"${TMPDIR}", &v.tmpdir}, {"${PROGRAM_PREFIX}", &v.program_prefix}, {"${HOME}", &v.home}};
  for (const auto& [name, value] : vars) {
    for (size_t at = r.find(name); at != std::string::npos; at = r.find(name)) {
      if (value->empty()) {
        *missing = name;
        return false;
      }
      r.replace(at, std::strlen(name), *value);
    }
  }
  if (r.find("${") != std::string::npos) {
    *missing = r.substr(r.find("${"));
    return false;
  }
  *out = r;
  return true;
}

}  // namespace

std::vector<FloorEntry> never_allowed(const Policy& p) {
  // Syscalls the runtime itself must be able to make (or make in the program's
  // place): the in-process layer still applies the policy to them.
  static const std::set<long> kRuntime = {
      __NR_rt_sigreturn, __NR_rt_sigprocmask, __NR_rt_sigaction, __NR_sigaltstack, __NR_mmap, __NR_munmap,
      __NR_mprotect, __NR_mremap, __NR_prctl, __NR_arch_prctl, __NR_open, __NR_openat, __NR_openat2, __NR_read,
      __NR_pread64, __NR_close, __NR_write, __NR_fcntl, __NR_getpid, __NR_gettid, __NR_tgkill, __NR_exit,
      __NR_exit_group, __NR_close_range, __NR_readlink, __NR_readlinkat, __NR_newfstatat, __NR_statx, __NR_getcwd,
      __NR_getpgid, __NR_personality, __NR_execve, __NR_execveat, __NR_clock_gettime, __NR_getdents64,
      __NR_fchdir, __NR_memfd_create, __NR_ftruncate, __NR_rt_tgsigqueueinfo, __NR_kill};
  std::vector<FloorEntry> out;
  for (long nr = 0; nr < static_cast<long>(pt::kSyscalls); ++nr) {
    if (syscall_name(nr) == nullptr || kRuntime.count(nr)) continue;
    const SyscallRule* first = nullptr;
    for (const SyscallRule& r : p.rules)
      for (long n : r.syscalls)
        if (n == nr && first == nullptr) first = &r;
    if (first != nullptr && !first->conditions.empty()) continue;  // depends on arguments
    const Action a = first != nullptr ? first->action : p.default_action;
    const int e = first != nullptr ? first->errno_value : p.default_errno;
    if (a == pt::kErrno) out.push_back({nr, e});
    else if (a == pt::kKill) out.push_back({nr, -1});
  }
  return out;
}

Result<std::vector<uint8_t>> compile(const Policy& p, const Vars& vars) {
  Result<std::vector<uint8_t>> result;
  Strings strings;
  // Rules per syscall, in file order.
  std::vector<std::vector<const SyscallRule*>> per(pt::kSyscalls);
  for (const SyscallRule& r : p.rules)
    for (long nr : r.syscalls)
      if (nr >= 0 && nr < static_cast<long>(pt::kSyscalls)) per[static_cast<size_t>(nr)].push_back(&r);

  std::vector<pt::Entry> entries(pt::kSyscalls);
  std::vector<pt::Rule> rules;
  std::vector<pt::Condition> conds;
  std::map<const SyscallRule*, uint32_t> names;
  for (uint32_t nr = 0; nr < pt::kSyscalls; ++nr) {
    entries[nr].rule_begin = static_cast<uint32_t>(rules.size());
    entries[nr].rule_count = static_cast<uint16_t>(per[nr].size());
    for (const SyscallRule* r : per[nr]) {
      if (!names.count(r)) names[r] = strings.add(rule_label(*r));
      pt::Rule out{};
      out.action = r->action;
      out.flags = r->log ? pt::kRuleLog : 0;
      out.errno_value = static_cast<uint16_t>(r->errno_value);
      out.cond_begin = static_cast<uint32_t>(conds.size());
      out.cond_count = static_cast<uint32_t>(r->conditions.size());
      out.name = names[r];
      for (const Condition& c : r->conditions)
        conds.push_back(pt::Condition{static_cast<uint8_t>(c.arg), c.op, {}, c.value, c.value_two});
      rules.push_back(out);
    }
    if (p.paths_enabled && paths::find_path_syscall(nr) != nullptr) entries[nr].flags |= pt::kEntryPaths;
  }
  auto flag = [&](long nr, uint8_t f) { entries[static_cast<size_t>(nr)].flags |= f; };
  if (p.max_processes >= 0 || p.max_threads >= 0)
    for (long nr : {__NR_clone, __NR_clone3, __NR_fork, __NR_vfork}) flag(nr, pt::kEntryProcess);
  // A reaped child frees its place under the process limit.
  if (p.max_processes > 0)
    for (long nr : {__NR_wait4, __NR_waitid}) flag(nr, pt::kEntryProcess);
  // The student-style limits on signals and personality come with a path-ruled
  // (sandbox) policy; other policies leave them to their rules.
  if (p.paths_enabled) {
    for (long nr : {__NR_kill, __NR_tkill, __NR_tgkill, __NR_rt_sigqueueinfo, __NR_rt_tgsigqueueinfo, __NR_pidfd_open})
      flag(nr, pt::kEntryKill);
    flag(__NR_personality, pt::kEntryPersonality);
    flag(__NR_getdents64, pt::kEntryPaths);  // listings leave hidden entries out
    flag(__NR_getdents, pt::kEntryPaths);
  }

  std::vector<pt::PathRule> path_rules;
  for (const PathRule& r : p.paths) {
    std::string expanded, missing, norm;
    if (!expand(r.pattern, vars, &expanded, &missing)) {
      if (missing.rfind("${", 0) == 0 && missing.find('}') != std::string::npos &&
          (missing.rfind("${WORKDIR}", 0) == 0 || missing.rfind("${TMPDIR}", 0) == 0 ||
           missing.rfind("${PROGRAM_PREFIX}", 0) == 0 || missing.rfind("${HOME}", 0) == 0))
        continue;  // a variable this run does not have: the rule does not apply
      result.error.message = p.name + ": at " + r.where + ": unknown variable " + missing +
                             " (${WORKDIR}, ${TMPDIR}, ${PROGRAM_PREFIX}, ${HOME})";
      return result;
    }
    if (!normalise(expanded, &norm)) {
      result.error.message = p.name + ": at " + r.where + ": " + expanded + " contains ..";
      return result;
    }
    pt::PathRule out{};
    out.pattern = strings.add(norm);
    out.components = components(norm);
    out.kind = r.kind;
    out.glob = norm.find_first_of("*?") != std::string::npos;
    const char* kind = r.kind == pt::kPathHidden ? "hidden" : r.kind == pt::kPathReadWrite ? "read-write" : "read-only";
    out.name = strings.add(r.where + " (" + kind + " " + norm + ")");
    path_rules.push_back(out);
  }

  pt::Header h{};
  h.magic = pt::kMagic;
  h.version = pt::kVersion;
  h.flags = (p.paths_enabled ? pt::kPathsEnabled : 0u) | (p.log_all ? pt::kLogAll : 0u);
  h.default_action = p.default_action;
  h.default_flags = p.default_log ? pt::kRuleLog : 0;
  h.default_errno = static_cast<uint16_t>(p.default_errno);
  h.default_name = strings.add("defaultAction");
  h.hidden_errno = static_cast<uint16_t>(p.hidden_errno);
  h.readonly_errno = static_cast<uint16_t>(p.readonly_errno);
  h.max_processes = p.max_processes;
  h.max_threads = p.max_threads;
  h.rule_count = static_cast<uint32_t>(rules.size());
  h.cond_count = static_cast<uint32_t>(conds.size());
  h.path_rule_count = static_cast<uint32_t>(path_rules.size());
  auto align = [](uint64_t n) { return (n + 7) & ~uint64_t{7}; };
  h.entries_offset = align(sizeof h);
  h.rules_offset = align(h.entries_offset + entries.size() * sizeof(pt::Entry));
  h.conds_offset = align(h.rules_offset + rules.size() * sizeof(pt::Rule));
  h.paths_offset = align(h.conds_offset + conds.size() * sizeof(pt::Condition));
  h.strings_offset = align(h.paths_offset + path_rules.size() * sizeof(pt::PathRule));
  h.strings_size = strings.bytes().size();
  h.total_size = h.strings_offset + h.strings_size;
  std::vector<uint8_t> out(h.total_size, 0);
  std::memcpy(out.data(), &h, sizeof h);
  std::memcpy(out.data() + h.entries_offset, entries.data(), entries.size() * sizeof(pt::Entry));
  if (!rules.empty()) std::memcpy(out.data() + h.rules_offset, rules.data(), rules.size() * sizeof(pt::Rule));
  if (!conds.empty()) std::memcpy(out.data() + h.conds_offset, conds.data(), conds.size() * sizeof(pt::Condition));
  if (!path_rules.empty())
    std::memcpy(out.data() + h.paths_offset, path_rules.data(), path_rules.size() * sizeof(pt::PathRule));
  std::memcpy(out.data() + h.strings_offset, strings.bytes().data(), strings.bytes().size());
  result.value = std::move(out);
  return result;
}

}  // namespace interpose::policy
