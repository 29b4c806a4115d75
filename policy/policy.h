// Policies: what a sandboxed program may do.  The file format is the OCI/Docker
// seccomp profile (defaultAction, syscalls[] with names, action, args, errnoRet)
// plus an "interpose" object for what seccomp cannot express: path rules, process
// and thread limits, resources, logging.  docs/policy.md is the reference.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy_table.h"

namespace interpose::policy {

using policy_table::Action;
using policy_table::Op;
using policy_table::PathKind;

struct Condition {
  int arg = 0;
  Op op = policy_table::kEq;
  uint64_t value = 0;
  uint64_t value_two = 0;
};

struct SyscallRule {
  std::vector<long> syscalls;  // x86-64 numbers (names of other architectures dropped)
  Action action = policy_table::kAllow;
  int errno_value = 1;
  bool log = false;
  std::vector<Condition> conditions;  // all must hold
  std::string where;                  // JSON path, for messages and logs
  std::string comment;
};

struct PathRule {
  std::string pattern;  // may hold ${WORKDIR}, ${TMPDIR}, ${PROGRAM_PREFIX}, ${HOME}
  PathKind kind = policy_table::kPathReadOnly;
  std::string where;
  std::string comment;
};

// Defaults the command line can override.
struct Resources {
  std::optional<uint64_t> mem;     // RLIMIT_AS, bytes
  std::optional<uint64_t> cpu;     // RLIMIT_CPU, seconds
  std::optional<uint64_t> fsize;   // RLIMIT_FSIZE, bytes
  std::optional<uint64_t> nofile;  // RLIMIT_NOFILE
  std::optional<uint64_t> nproc;   // RLIMIT_NPROC
  std::optional<uint64_t> timeout; // wall clock, seconds
  std::optional<bool> clean_env;
  std::vector<std::string> env_keep;  // with clean_env
  std::optional<bool> private_tmp;
};

struct Policy {
  std::string name;
  Action default_action = policy_table::kAllow;
  int default_errno = 1;
  bool default_log = false;
  std::vector<SyscallRule> rules;
  bool paths_enabled = false;  // an "interpose.paths" object was given
  std::vector<PathRule> paths;
  int hidden_errno = 2;     // ENOENT
  int readonly_errno = 13;  // EACCES
  int max_processes = -1;
  int max_threads = -1;
  bool log_all = false;
  Resources resources;
};

struct Error {
  std::string message;  // one line: "NAME: at /json/path: what is wrong"
};

template <class T>
struct Result {
  std::optional<T> value;
  Error error;
  explicit operator bool() const { return value.has_value(); }
};

// Parses a policy file's text (JSON; // and /* */ comments allowed).
Result<Policy> parse(std::string_view text, const std::string& name);

// The values of the path variables for one run.
struct Vars {
  std::string workdir;
  std::string tmpdir;
  std::string program_prefix;
  std::string home;
};

// The flat table the runtime evaluates.
Result<std::vector<uint8_t>> compile(const Policy& p, const Vars& vars);

// Syscalls the policy refuses whatever their arguments: the launcher's seccomp
// floor denies them in the kernel too.  (errno value, or -1 for kill)
struct FloorEntry {
  long nr;
  int errno_value;  // -1: kill the process
};
std::vector<FloorEntry> never_allowed(const Policy& p);

// "2G", "64M", "512k", "1048576" -> bytes.
std::optional<uint64_t> parse_size(std::string_view s);

}  // namespace interpose::policy
