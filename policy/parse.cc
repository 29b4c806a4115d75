// Reading a policy file: the OCI/Docker seccomp profile, plus "interpose".
#include <sys/utsname.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "policy.h"
#include "syscall_names.h"

namespace interpose::policy {

namespace {

using json = nlohmann::json;

// Names of syscalls other architectures have (i386's table, and the few
// architecture-private calls Docker's profiles list): not typos, just not x86-64.
bool known_elsewhere(const std::string& name) {
  static const std::set<std::string> names = {
#define INTERPOSE_SYSCALL_I386(n) #n,
#include "interpose/syscall_table_i386.inc"
#undef INTERPOSE_SYSCALL_I386
      // arm, arm64, s390, riscv, powerpc private calls
      "arm_fadvise64_64", "arm_sync_file_range", "sync_file_range2", "breakpoint", "cacheflush", "set_tls",
      "s390_pci_mmio_read", "s390_pci_mmio_write", "s390_runtime_instr", "s390_guarded_storage", "s390_sthyi",
      "riscv_flush_icache", "riscv_hwprobe", "spu_create", "spu_run", "subpage_prot", "switch_endian",
      "sys_debug_setcontext", "usr26", "usr32", "swapcontext", "rtas", "multiplexer", "kexec_file_load",
      "map_shadow_stack", "pciconfig_iobase", "pciconfig_read", "pciconfig_write", "ugetrlimit", "mmap2",
      "fadvise64_64", "sync_file_range", "newfstatat", "fstatat64", "getrandom"};
  return names.count(name) != 0;
}

struct Ctx {
  std::string name;
  Error error;
  bool failed = false;

  bool fail(const std::string& where, const std::string& what) {
    if (!failed) error.message = name + ": at " + (where.empty() ? "/" : where) + ": " + what;
    failed = true;
    return false;
  }
};

bool get_errno(Ctx& c, const json& v, const std::string& where, int* out) {
  if (v.is_number_integer() && v.get<long long>() >= 0 && v.get<long long>() < 4096) {
    *out = static_cast<int>(v.get<long long>());
    return true;
  }
  if (v.is_string()) {
    // Every name <linux/errno.h> has (generated table, syscall_names.h).
    if (const int e = errno_value(v.get<std::string>().c_str()); e > 0) {
      *out = e;
      return true;
    }
  }
  return c.fail(where, "an errno must be a number below 4096 or a name such as \"EPERM\"");
}

bool get_u64(Ctx& c, const json& v, const std::string& where, uint64_t* out) {
  if (v.is_number_unsigned()) *out = v.get<uint64_t>();
  else if (v.is_number_integer() && v.get<int64_t>() >= 0) *out = static_cast<uint64_t>(v.get<int64_t>());
  else return c.fail(where, "expected a non-negative integer");
  return true;
}

bool parse_action(Ctx& c, const json& v, const std::string& where, Action* action, bool* log) {
  if (!v.is_string()) return c.fail(where, "an action must be a string such as \"SCMP_ACT_ALLOW\"");
  std::string s = v.get<std::string>();
  if (s.rfind("SCMP_ACT_", 0) == 0) s = s.substr(9);
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  *log = false;
  if (s == "allow") *action = policy_table::kAllow;
  else if (s == "errno") *action = policy_table::kErrno;
  else if (s == "kill" || s == "kill_process" || s == "kill_thread") *action = policy_table::kKill;
  else if (s == "trap") *action = policy_table::kTrap;
  else if (s == "log") {
    *action = policy_table::kAllow;
    *log = true;
  } else if (s == "trace") {
    // Without a seccomp tracer the kernel answers ENOSYS: so does interpose.
    *action = policy_table::kErrno;
  } else {
    return c.fail(where, "unknown action \"" + v.get<std::string>() +
                             "\" (SCMP_ACT_ALLOW, SCMP_ACT_ERRNO, SCMP_ACT_KILL[_PROCESS|_THREAD], SCMP_ACT_TRAP, "
                             "SCMP_ACT_LOG; or allow, errno, kill, trap, log)");
  }
  return true;
}

bool parse_op(Ctx& c, const json& v, const std::string& where, Op* op) {
  static const std::map<std::string, Op> ops = {
      {"SCMP_CMP_NE", policy_table::kNe}, {"SCMP_CMP_LT", policy_table::kLt}, {"SCMP_CMP_LE", policy_table::kLe},
      {"SCMP_CMP_EQ", policy_table::kEq}, {"SCMP_CMP_GE", policy_table::kGe}, {"SCMP_CMP_GT", policy_table::kGt},
      {"SCMP_CMP_MASKED_EQ", policy_table::kMaskedEq}};
  if (!v.is_string() || ops.find(v.get<std::string>()) == ops.end())
    return c.fail(where, "op must be one of SCMP_CMP_NE, _LT, _LE, _EQ, _GE, _GT, _MASKED_EQ");
  *op = ops.at(v.get<std::string>());
  return true;
}

bool kernel_at_least(const std::string& version) {
  utsname u;
  if (uname(&u) != 0) return true;
  int a = 0, b = 0, x = 0, y = 0;
  std::sscanf(version.c_str(), "%d.%d", &a, &b);
  std::sscanf(u.release, "%d.%d", &x, &y);
  return x > a || (x == a && y >= b);
}

// Docker's includes/excludes: the profile applies to a container without added
// capabilities, on x86-64 ("amd64"), on the running kernel.
bool condition_applies(Ctx& c, const json& cond, const std::string& where, bool include) {
  if (cond.is_null()) return true;
  if (!cond.is_object()) return c.fail(where, "expected an object");
  for (const auto& [k, v] : cond.items()) {
    const std::string w = where + "/" + k;
    if (k == "caps") {
      if (!v.is_array()) return c.fail(w, "expected an array of capability names");
      if (include && !v.empty()) return false;  // needs a capability the sandbox does not grant
    } else if (k == "arches") {
      if (!v.is_array()) return c.fail(w, "expected an array of architecture names");
      bool ours = false;
      for (const auto& a : v) ours |= a.is_string() && (a == "amd64" || a == "x86_64" || a == "SCMP_ARCH_X86_64");
      if (!v.empty() && ours != include) return false;
    } else if (k == "minKernel") {
      if (!v.is_string()) return c.fail(w, "expected a version such as \"4.8\"");
      if (kernel_at_least(v.get<std::string>()) != include) return false;
    } else {
      return c.fail(w, "unknown key (caps, arches, minKernel)");
    }
  }
  return true;
}

bool parse_syscall_rule(Ctx& c, const json& e, const std::string& where, Policy* p) {
  if (!e.is_object()) return c.fail(where, "a syscall rule must be an object");
  SyscallRule r;
  r.where = where;
  std::vector<std::pair<std::string, std::string>> names;  // name, where
  bool applies = true;
  for (const auto& [k, v] : e.items()) {
    const std::string w = where + "/" + k;
    if (k == "names") {
      if (!v.is_array() || v.empty()) return c.fail(w, "expected a non-empty array of syscall names");
      for (size_t i = 0; i < v.size(); ++i) {
        if (!v[i].is_string()) return c.fail(w + "/" + std::to_string(i), "expected a syscall name");
        names.emplace_back(v[i].get<std::string>(), w + "/" + std::to_string(i));
      }
    } else if (k == "name") {
      if (!v.is_string()) return c.fail(w, "expected a syscall name");
      names.emplace_back(v.get<std::string>(), w);
    } else if (k == "action") {
      if (!parse_action(c, v, w, &r.action, &r.log)) return false;
    } else if (k == "errnoRet") {
      if (!get_errno(c, v, w, &r.errno_value)) return false;
    } else if (k == "args") {
      if (v.is_null()) continue;
      if (!v.is_array()) return c.fail(w, "expected an array of argument conditions");
      for (size_t i = 0; i < v.size(); ++i) {
        const std::string wa = w + "/" + std::to_string(i);
        const json& a = v[i];
        if (!a.is_object()) return c.fail(wa, "expected {\"index\", \"value\", \"valueTwo\", \"op\"}");
        Condition cond;
        uint64_t index = 0;
        if (!a.contains("index") || !get_u64(c, a["index"], wa + "/index", &index)) return c.failed || c.fail(wa, "missing index");
        if (index > 5) return c.fail(wa + "/index", "argument index must be 0..5");
        cond.arg = static_cast<int>(index);
        if (!a.contains("value") || !get_u64(c, a["value"], wa + "/value", &cond.value)) return c.failed || c.fail(wa, "missing value");
        if (a.contains("valueTwo") && !get_u64(c, a["valueTwo"], wa + "/valueTwo", &cond.value_two)) return false;
        if (!a.contains("op") || !parse_op(c, a["op"], wa + "/op", &cond.op)) return c.failed || c.fail(wa, "missing op");
        for (const auto& [ak, av] : a.items())
          if (ak != "index" && ak != "value" && ak != "valueTwo" && ak != "op")
            return c.fail(wa + "/" + ak, "unknown key (index, value, valueTwo, op)");
        if (cond.op == policy_table::kMaskedEq) std::swap(cond.value, cond.value_two);  // Docker: value = mask
        r.conditions.push_back(cond);
      }
    } else if (k == "comment") {
      if (!v.is_string()) return c.fail(w, "expected a string");
      r.comment = v.get<std::string>();
    } else if (k == "includes") {
      applies = applies && condition_applies(c, v, w, true);
    } else if (k == "excludes") {
      applies = applies && condition_applies(c, v, w, false);
    } else {
      return c.fail(w, "unknown key (names, action, errnoRet, args, comment, includes, excludes)");
    }
    if (c.failed) return false;
  }
  if (names.empty()) return c.fail(where, "a rule needs \"names\"");
  if (!e.contains("action")) return c.fail(where, "a rule needs an \"action\"");
  for (const auto& [n, w] : names) {
    const long nr = syscall_number(n.c_str());
    if (nr >= 0) r.syscalls.push_back(nr);
    else if (!known_elsewhere(n)) return c.fail(w, "unknown syscall \"" + n + "\"");
  }
  if (applies && !r.syscalls.empty()) p->rules.push_back(std::move(r));
  return true;
}

bool parse_path_list(Ctx& c, const json& v, const std::string& where, PathKind kind, Policy* p) {
  if (!v.is_array()) return c.fail(where, "expected an array of paths");
  for (size_t i = 0; i < v.size(); ++i) {
    const std::string w = where + "/" + std::to_string(i);
    PathRule r;
    r.kind = kind;
    r.where = w;
    if (v[i].is_string()) {
      r.pattern = v[i].get<std::string>();
    } else if (v[i].is_object() && v[i].contains("path") && v[i]["path"].is_string()) {
      r.pattern = v[i]["path"].get<std::string>();
      for (const auto& [k, x] : v[i].items()) {
        if (k == "comment" && x.is_string()) r.comment = x.get<std::string>();
        else if (k != "path") return c.fail(w + "/" + k, "unknown key (path, comment)");
      }
    } else {
      return c.fail(w, "expected a path, or {\"path\": ..., \"comment\": ...}");
    }
    if (r.pattern.empty() || (r.pattern[0] != '/' && r.pattern[0] != '$'))
      return c.fail(w, "a path must be absolute (or start with ${WORKDIR}, ${TMPDIR}, ${PROGRAM_PREFIX}, ${HOME})");
    if (r.pattern.find("/../") != std::string::npos ||
        (r.pattern.size() >= 3 && r.pattern.compare(r.pattern.size() - 3, 3, "/..") == 0))
      return c.fail(w, "a path may not contain ..");
    p->paths.push_back(std::move(r));
  }
  return true;
}

bool parse_interpose(Ctx& c, const json& x, const std::string& where, Policy* p) {
  if (!x.is_object()) return c.fail(where, "expected an object");
  for (const auto& [k, v] : x.items()) {
    const std::string w = where + "/" + k;
    if (k == "comment" || k == "name" || k == "description") {
      if (!v.is_string()) return c.fail(w, "expected a string");
      if (k == "name") p->name = v.get<std::string>();
    } else if (k == "paths") {
      if (!v.is_object()) return c.fail(w, "expected an object");
      p->paths_enabled = true;
      std::string dflt = "hidden";
      for (const auto& [pk, pv] : v.items()) {
        const std::string pw = w + "/" + pk;
        if (pk == "read_only") {
          if (!parse_path_list(c, pv, pw, policy_table::kPathReadOnly, p)) return false;
        } else if (pk == "read_write") {
          if (!parse_path_list(c, pv, pw, policy_table::kPathReadWrite, p)) return false;
        } else if (pk == "hidden") {
          if (!parse_path_list(c, pv, pw, policy_table::kPathHidden, p)) return false;
        } else if (pk == "default") {
          if (!pv.is_string() || (pv != "hidden" && pv != "read_only" && pv != "read_write"))
            return c.fail(pw, "expected \"hidden\", \"read_only\" or \"read_write\"");
          dflt = pv.get<std::string>();
        } else if (pk == "hidden_errno") {
          if (!get_errno(c, pv, pw, &p->hidden_errno)) return false;
        } else if (pk == "readonly_errno") {
          if (!get_errno(c, pv, pw, &p->readonly_errno)) return false;
        } else if (pk == "comment") {
        } else {
          return c.fail(pw, "unknown key (read_only, read_write, hidden, default, hidden_errno, readonly_errno)");
        }
      }
      PathRule root;
      root.pattern = "/";
      root.kind = dflt == "hidden" ? policy_table::kPathHidden
                  : dflt == "read_only" ? policy_table::kPathReadOnly : policy_table::kPathReadWrite;
      root.where = w + "/default";
      p->paths.insert(p->paths.begin(), root);
    } else if (k == "limits") {
      if (!v.is_object()) return c.fail(w, "expected an object");
      for (const auto& [lk, lv] : v.items()) {
        const std::string lw = w + "/" + lk;
        if (lk == "processes" || lk == "threads") {
          if (!lv.is_number_integer() || lv.get<long long>() < -1 || lv.get<long long>() > 1000000)
            return c.fail(lw, "expected a number (-1: no limit)");
          (lk == "processes" ? p->max_processes : p->max_threads) = static_cast<int>(lv.get<long long>());
        } else if (lk == "comment") {
        } else {
          return c.fail(lw, "unknown key (processes, threads)");
        }
      }
    } else if (k == "resources") {
      if (!v.is_object()) return c.fail(w, "expected an object");
      Resources& res = p->resources;
      for (const auto& item : v.items()) {
        // (not a structured binding: lambdas below capture it)
        const std::string rk = item.key();
        const json& rv = item.value();
        const std::string rw = w + "/" + rk;
        auto size = [&](std::optional<uint64_t>* out) {
          if (rv.is_string()) {
            *out = parse_size(rv.get<std::string>());
            if (!*out) return c.fail(rw, "expected a size such as \"64M\"");
            return true;
          }
          uint64_t n;
          if (!get_u64(c, rv, rw, &n)) return false;
          *out = n;
          return true;
        };
        auto count = [&](std::optional<uint64_t>* out) {
          uint64_t n;
          if (!get_u64(c, rv, rw, &n)) return false;
          *out = n;
          return true;
        };
        if (rk == "mem") { if (!size(&res.mem)) return false; }
        else if (rk == "fsize") { if (!size(&res.fsize)) return false; }
        else if (rk == "cpu") { if (!count(&res.cpu)) return false; }
        else if (rk == "nofile") { if (!count(&res.nofile)) return false; }
        else if (rk == "nproc") { if (!count(&res.nproc)) return false; }
        else if (rk == "timeout") { if (!count(&res.timeout)) return false; }
        else if (rk == "clean_env" || rk == "private_tmp") {
          if (!rv.is_boolean()) return c.fail(rw, "expected true or false");
          (rk == "clean_env" ? res.clean_env : res.private_tmp) = rv.get<bool>();
        } else if (rk == "env_keep") {
          if (!rv.is_array()) return c.fail(rw, "expected an array of variable names");
          for (const auto& e : rv) {
            if (!e.is_string()) return c.fail(rw, "expected variable names");
            res.env_keep.push_back(e.get<std::string>());
          }
        } else if (rk == "comment") {
        } else {
          return c.fail(rw, "unknown key (mem, cpu, fsize, nofile, nproc, timeout, clean_env, env_keep, private_tmp)");
        }
      }
    } else if (k == "log") {
      if (v == "all") p->log_all = true;
      else if (v != "denied") return c.fail(w, "expected \"denied\" or \"all\"");
    } else {
      return c.fail(w, "unknown key (comment, name, paths, limits, resources, log)");
    }
  }
  return true;
}

}  // namespace

std::optional<uint64_t> parse_size(std::string_view s) {
  if (s.empty()) return std::nullopt;
  uint64_t mult = 1;
  const char last = s.back();
  if (last == 'k' || last == 'K') mult = uint64_t{1} << 10;
  else if (last == 'm' || last == 'M') mult = uint64_t{1} << 20;
  else if (last == 'g' || last == 'G') mult = uint64_t{1} << 30;
  else if (last == 't' || last == 'T') mult = uint64_t{1} << 40;
  if (mult != 1) s.remove_suffix(1);
  if (s.empty() || s.size() > 15) return std::nullopt;
  uint64_t v = 0;
  for (char ch : s) {
    if (ch < '0' || ch > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(ch - '0');
  }
  if (v > UINT64_MAX / mult) return std::nullopt;
  return v * mult;
}

Result<Policy> parse(std::string_view text, const std::string& name) {
  Result<Policy> r;
  Ctx c{name, {}, false};
  json root;
  try {
    root = json::parse(text, nullptr, true, /*ignore_comments=*/true);
  } catch (const json::exception& e) {
    // "[json.exception.parse_error.101] parse error at line 3, column 5: ..."; a
    // number too large for any type is an out_of_range error (found by fuzzing).
    std::string what = e.what();
    const auto at = what.find("] ");
    r.error.message = name + ": not valid JSON: " + (at == std::string::npos ? what : what.substr(at + 2));
    return r;
  }
  Policy p;
  p.name = name;
  if (!root.is_object()) {
    c.fail("", "a policy is a JSON object");
    r.error = c.error;
    return r;
  }
  bool have_default = false;
  for (const auto& [k, v] : root.items()) {
    const std::string w = "/" + k;
    if (k == "defaultAction") {
      if (!parse_action(c, v, w, &p.default_action, &p.default_log)) break;
      have_default = true;
    } else if (k == "defaultErrnoRet") {
      if (!get_errno(c, v, w, &p.default_errno)) break;
    } else if (k == "syscalls") {
      if (v.is_null()) continue;
      if (!v.is_array()) {
        c.fail(w, "expected an array of rules");
        break;
      }
      for (size_t i = 0; i < v.size() && !c.failed; ++i) parse_syscall_rule(c, v[i], w + "/" + std::to_string(i), &p);
    } else if (k == "interpose") {
      parse_interpose(c, v, w, &p);
    } else if (k == "architectures" || k == "archMap" || k == "flags" || k == "listenerPath" ||
               k == "listenerMetadata" || k == "comment" || k == "defaultErrno") {
      // Docker's; x86-64 is the only architecture interpose serves.
    } else {
      c.fail(w, "unknown key (defaultAction, defaultErrnoRet, syscalls, architectures, archMap, flags, interpose)");
    }
    if (c.failed) break;
  }
  if (!c.failed && !have_default) c.fail("", "missing \"defaultAction\"");
  if (!c.failed) {
    // Contradictions: one path under two kinds; one syscall given two different
    // unconditional answers.
    std::map<std::string, const PathRule*> seen;
    for (const PathRule& pr : p.paths) {
      std::string key = pr.pattern;
      while (key.size() > 1 && key.back() == '/') key.pop_back();
      auto [it, fresh] = seen.emplace(key, &pr);
      if (!fresh && it->second->kind != pr.kind && it->second->where.find("/default") == std::string::npos) {
        c.fail(pr.where, "\"" + pr.pattern + "\" contradicts " + it->second->where);
        break;
      }
    }
    std::map<long, const SyscallRule*> plain;
    for (const SyscallRule& sr : p.rules) {
      if (!sr.conditions.empty() || c.failed) continue;
      for (long nr : sr.syscalls) {
        auto [it, fresh] = plain.emplace(nr, &sr);
        if (!fresh && (it->second->action != sr.action || it->second->log != sr.log ||
                       (sr.action == policy_table::kErrno && it->second->errno_value != sr.errno_value))) {
          c.fail(sr.where, std::string("syscall ") + syscall_name(nr) + " is given another answer at " + it->second->where);
          break;
        }
      }
    }
  }
  if (c.failed) {
    r.error = c.error;
    return r;
  }
  r.value = std::move(p);
  return r;
}

}  // namespace interpose::policy
