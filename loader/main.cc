// interpose: run a program with every syscall going through the runtime.
//
//   interpose [options] [--] program [args...]
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <dirent.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "abi.h"
#include "exit_codes.h"
#include "launcher.h"
#include "policy.h"
#include "modes.h"
#include "profile.h"
#include "recorded.h"
#include "program.h"

#ifndef INTERPOSE_VERSION
#define INTERPOSE_VERSION "0.0.0"
#endif

namespace interpose::loader {
namespace {

// libinterpose.so next to the launcher: <prefix>/bin/interpose finds
// <prefix>/lib/libinterpose.so, in a build tree and in an install alike.
std::string find_runtime(std::string* error) {
  if (const char* env = getenv("INTERPOSE_RUNTIME"); env != nullptr && *env != '\0') {
    if (access(env, R_OK) == 0 && env[0] == '/') return env;
    *error = std::string("INTERPOSE_RUNTIME=") + env + " is not a readable absolute path";
    return "";
  }
  char self[4096];
  const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) {
    *error = std::string("cannot find the launcher's own path: ") + strerror(errno);
    return "";
  }
  self[n] = '\0';
  std::string dir(self);
  dir = dir.substr(0, dir.rfind('/'));
  const std::string prefix = dir.substr(0, dir.rfind('/'));
  for (const std::string& c : {prefix + "/lib/libinterpose.so", prefix + "/lib/interpose/libinterpose.so",
                               dir + "/libinterpose.so"}) {
    if (access(c.c_str(), R_OK) == 0) {
      if (c.find_first_of(": ") != std::string::npos) {
        *error = "the runtime's path " + c + " contains ':' or ' ', which LD_PRELOAD cannot carry";
        return "";
      }
      return c;
    }
  }
  *error = "runtime library not found at " + prefix + "/lib/libinterpose.so (reinstall, or set INTERPOSE_RUNTIME)";
  return "";
}

// The launcher's <prefix>: <prefix>/bin/interpose.
std::string install_prefix() {
  char self[4096];
  const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return "";
  self[n] = '\0';
  std::string dir(self);
  dir = dir.substr(0, dir.rfind('/'));
  return dir.substr(0, dir.rfind('/'));
}

// --policy NAME finds <prefix>/share/interpose/policies/NAME.json; anything with
// a '/' or ending in .json is a file.
bool find_policy(const std::string& arg, std::string* path, std::string* error) {
  const bool is_file = arg.find('/') != std::string::npos || (arg.size() > 5 && arg.ends_with(".json"));
  if (is_file) {
    if (access(arg.c_str(), R_OK) != 0) {
      *error = "--policy " + arg + ": " + strerror(errno);
      return false;
    }
    *path = arg;
    return true;
  }
  const std::string dir = install_prefix() + "/share/interpose/policies";
  const std::string candidate = dir + "/" + arg + ".json";
  if (access(candidate.c_str(), R_OK) == 0) {
    *path = candidate;
    return true;
  }
  std::vector<std::string> found;
  if (DIR* d = opendir(dir.c_str()); d != nullptr) {
    while (dirent* e = readdir(d)) {
      std::string n = e->d_name;
      if (n.size() > 5 && n.ends_with(".json")) found.push_back(n.substr(0, n.size() - 5));
    }
    closedir(d);
  }
  std::sort(found.begin(), found.end());
  std::string names;
  for (const std::string& n : found) names += (names.empty() ? "" : ", ") + n;
  *error = "--policy " + arg + ": no such shipped policy (" + (names.empty() ? "none found in " + dir : names) +
           "); give a file path for your own";
  return false;
}

// The install prefix of the program started: /usr for /usr/bin/python3, the
// version's directory for a pyenv or conda python.  A program not in a bin
// directory gets its own directory; never "/".
std::string program_prefix(const std::string& program) {
  char real[PATH_MAX];
  if (realpath(program.c_str(), real) == nullptr) return "";
  std::string dir(real);
  dir = dir.substr(0, dir.rfind('/'));
  const std::string base = dir.substr(dir.rfind('/') + 1);
  std::string prefix = dir;
  if (base == "bin" || base == "sbin") prefix = dir.substr(0, dir.rfind('/'));
  if (prefix.empty() || prefix == "/") prefix = dir;
  return prefix == "/" || prefix.empty() ? "" : prefix;
}

std::string absolute_dir(const std::string& d, std::string* error) {
  char real[PATH_MAX];
  if (realpath(d.c_str(), real) == nullptr) {
    *error = "--workdir " + d + ": " + strerror(errno);
    return "";
  }
  struct stat st;
  if (stat(real, &st) != 0 || !S_ISDIR(st.st_mode)) {
    *error = "--workdir " + d + ": not a directory";
    return "";
  }
  return real;
}

class HelpFormatter : public CLI::Formatter {
 public:
  std::string make_usage(const CLI::App*, std::string) const override { return ""; }
  std::string make_description(const CLI::App* app) const override {
    return "Usage: interpose [OPTIONS] [--] PROGRAM [ARGS...]\n\n" + app->get_description() + "\n";
  }
};

int run(int argc, char** argv) {
  CLI::App app{
      "Run PROGRAM with every one of its system calls going through interpose's runtime.\n"
      "Its syscall instructions are rewritten to call a trampoline at address 0.",
      "interpose"};
  app.footer(
      "Exit status: the program's own, or 128+N if signal N killed it.  interpose's own\n"
      "failures: 120 the mode needs Syscall User Dispatch, 121 program cannot be preloaded\n"
      "(static, not x86-64: use --mode ptrace), 122 page 0 cannot be mapped, 123 runtime\n"
      "library missing, 125 bad usage, 126 program not executable, 127 program not found.");
  app.formatter(std::make_shared<HelpFormatter>());
  app.set_version_flag("-V,--version", std::string("interpose ") + INTERPOSE_VERSION);
  bool verbose = false;
  std::string stats;
  std::string mode = "auto";
  app.add_flag("-v,--verbose", verbose, "Say which mode runs and why, and what was rewritten");
  app.add_flag("--stats{-}", stats,
               "Print how often each syscall was made, at exit: --stats to stderr, --stats=FILE to FILE");
  std::string profile_path;
  // By default as often per process image as the lazy path waits before it
  // rewrites a site: fewer calls are cheaper on SUD than a rewrite at load.
  uint64_t hot = INTERPOSE_LAZY_TRAPS_BEFORE_REWRITE;
  app.add_option("--profile", profile_path,
                 "Rewrite the sites this profile (from interpose-profile) saw, and only those (implies --mode k23)");
  app.add_option("--hot", hot,
                 "With --profile: only sites hit at least N times per process image of the recording (default " +
                     std::to_string(INTERPOSE_LAZY_TRAPS_BEFORE_REWRITE) + ")")
      ->check(CLI::PositiveNumber);
  app.add_option("-m,--mode", mode,
                 "How syscalls are caught: auto (default: the fastest this machine allows), zpoline, "
                 "lazypoline, k23, sud, ptrace (see docs/modes.md)")
      ->check(CLI::IsMember({"auto", "zpoline", "lazypoline", "k23", "sud", "ptrace"}));
  std::string policy_arg, log_path, trace;
  SandboxOptions sb;
  std::string mem, fsize;
  double timeout = 0;
  uint64_t cpu = 0, nofile = 0, nproc = 0;
  std::string workdir;
  auto* g = app.add_option_group("Sandbox", "");
  g->add_option("-p,--policy", policy_arg,
                "Run under a policy: a shipped one by NAME (student, trace, docker-default) or a FILE "
                "(docs/policy.md)");
  g->add_option("--log", log_path, "Write one JSON line per call the policy refuses or logs to FILE");
  app.add_flag("--trace{-}", trace, "Print a strace-like line per syscall: --trace to stderr, --trace=FILE");
  g->add_flag("--clean-env", sb.clean_env, "Start with only PATH, HOME, LANG (and what --env sets)");
  g->add_option("--env", sb.env_set, "Set K=V in the program's environment (repeatable)")
      ->check([](const std::string& v) { return v.find('=') == std::string::npos || v[0] == '=' ? std::string("expected K=V") : std::string(); });
  g->add_option("--cpu", cpu, "CPU time limit, seconds (RLIMIT_CPU)")->check(CLI::PositiveNumber);
  g->add_option("--mem", mem, "Address-space limit, e.g. 512M, 2G (RLIMIT_AS)");
  g->add_option("--fsize", fsize, "Largest file the program may write, e.g. 64M (RLIMIT_FSIZE)");
  g->add_option("--nofile", nofile, "Open files limit (RLIMIT_NOFILE)")->check(CLI::PositiveNumber);
  g->add_option("--nproc", nproc, "Processes limit of the user (RLIMIT_NPROC)")->check(CLI::PositiveNumber);
  g->add_option("--timeout", timeout, "Wall-clock limit, seconds: the whole process group is killed (status 124)")
      ->check(CLI::PositiveNumber);
  g->add_option("--workdir", workdir, "Run in DIR (the policy's ${WORKDIR}), with a private empty tmp");
  bool no_landlock = false;
  g->add_flag("--no-landlock", no_landlock,
              "Apply the path rules in the runtime only, not also with Landlock in the kernel (docs/threat-model.md)");
  app.prefix_command();
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }

  std::vector<std::string> command = app.remaining();
  if (!command.empty() && command.front() == "--") command.erase(command.begin());
  else if (!command.empty() && command.front().size() > 1 && command.front()[0] == '-') {
    std::fprintf(stderr, "interpose: unknown option %s (see interpose --help)\n", command.front().c_str());
    return kExitUsage;
  }
  if (command.empty()) {
    std::fprintf(stderr, "interpose: no program given (usage: interpose [OPTIONS] [--] PROGRAM [ARGS...])\n");
    return kExitUsage;
  }

  profile::Plan plan;
  if (!profile_path.empty()) {
    if (mode == "auto") mode = "k23";
    if (mode != "k23") {
      std::fprintf(stderr, "interpose: --profile goes with --mode k23 (or auto), not --mode %s\n", mode.c_str());
      return kExitUsage;
    }
    const auto loaded = profile::load(profile_path);
    if (!loaded) {
      std::fprintf(stderr, "interpose: %s\n", loaded.error.message.c_str());
      return kExitUsage;
    }
    plan = profile::make_plan(*loaded.value, hot, profile_path);
    for (const std::string& w : plan.warnings) std::fprintf(stderr, "interpose: %s\n", w.c_str());
  }

  // ---- the sandbox: options first, the policy's defaults under them ----------
  if (!mem.empty() && !(sb.mem = policy::parse_size(mem))) {
    std::fprintf(stderr, "interpose: --mem %s: expected a size such as 512M or 2G\n", mem.c_str());
    return kExitUsage;
  }
  if (!fsize.empty() && !(sb.fsize = policy::parse_size(fsize))) {
    std::fprintf(stderr, "interpose: --fsize %s: expected a size such as 64M\n", fsize.c_str());
    return kExitUsage;
  }
  if (cpu) sb.cpu = cpu;
  if (nofile) sb.nofile = nofile;
  if (nproc) sb.nproc = nproc;
  if (timeout > 0) sb.timeout = timeout;
  if (!workdir.empty()) {
    std::string err;
    sb.workdir = absolute_dir(workdir, &err);
    if (sb.workdir.empty()) {
      std::fprintf(stderr, "interpose: %s\n", err.c_str());
      return kExitUsage;
    }
    sb.private_tmp = true;
  }
  sb.enabled = sb.clean_env || !sb.env_set.empty() || sb.cpu || sb.mem || sb.fsize || sb.nofile || sb.nproc ||
               sb.timeout || !sb.workdir.empty();
  std::optional<policy::Policy> pol;
  if (!policy_arg.empty()) {
    std::string path, err;
    if (!find_policy(policy_arg, &path, &err)) {
      std::fprintf(stderr, "interpose: %s\n", err.c_str());
      return kExitBadPolicy;
    }
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    auto parsed = policy::parse(text.str(), path);
    if (!parsed) {
      std::fprintf(stderr, "interpose: %s\n", parsed.error.message.c_str());
      return kExitBadPolicy;
    }
    pol = std::move(*parsed.value);
    apply_policy_defaults(*pol, &sb);
  }
  if (!log_path.empty() && !pol) {
    std::fprintf(stderr, "interpose: --log records a policy's decisions: give --policy too (--policy trace logs "
                         "every call)\n");
    return kExitUsage;
  }

  ProgramCheck prog = check_program(command.front());
  if (prog.path.empty()) {  // missing or not executable: nothing to run in any mode
    std::fprintf(stderr, "interpose: %s\n", prog.error.c_str());
    return prog.exit_code;
  }
  if (pol && prog.script) {
    char cwd[PATH_MAX];
    const std::string wd = !sb.workdir.empty() ? sb.workdir : (getcwd(cwd, sizeof cwd) ? cwd : "");
    if (const std::string real = resolve_pyenv_shim(prog.path, wd); !real.empty()) {
      if (verbose)
        std::fprintf(stderr, "interpose: %s is a pyenv shim (it would start processes): running %s\n",
                     prog.path.c_str(), real.c_str());
      prog = check_program(real);
      command.front() = real;  // as pyenv itself would: the interpreter finds its prefix from argv[0]
      if (prog.path.empty()) {
        std::fprintf(stderr, "interpose: %s\n", prog.error.c_str());
        return prog.exit_code;
      }
    }
  }
  const MachineFacts facts = probe_machine();
  ModeChoice choice = choose_mode(mode, facts, prog);
  if (!profile_path.empty() && choice.exit_code == 0) {
    choice.notice.clear();
    choice.reason = "with --profile: the " + std::to_string(plan.sites) + " profiled sites (hit at least " +
                    std::to_string(hot) + " times per image) in " + std::to_string(plan.modules) +
                    " modules are rewritten at load, SUD catches the rest";
  }
  if (choice.exit_code != 0) {
    std::fprintf(stderr, "interpose: %s\n", choice.error.c_str());
    return choice.exit_code;
  }
  if (pol && choice.mode == arena::kModePtrace) {
    std::fprintf(stderr, "interpose: --policy needs the runtime (Syscall User Dispatch, Linux 5.11+); "
                         "--mode ptrace cannot enforce it\n");
    return kExitNoSud;
  }
  std::string error, runtime;
  if (choice.mode != arena::kModePtrace) {
    runtime = find_runtime(&error);
    if (runtime.empty()) {
      std::fprintf(stderr, "interpose: %s\n", error.c_str());
      return kExitRuntimeMissing;
    }
  }
  if (!choice.notice.empty() && !verbose) std::fprintf(stderr, "interpose: %s\n", choice.notice.c_str());

  LaunchOptions o;
  if (sb.enabled && sb.workdir.empty()) {
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof cwd) != nullptr) sb.workdir = cwd;
  }
  if (sb.private_tmp) {
    std::string err;
    if (!make_private_tmp(&sb, &err)) {
      std::fprintf(stderr, "interpose: %s\n", err.c_str());
      return kExitUsage;
    }
  }
  if (pol) {
    policy::Vars vars;
    vars.workdir = sb.workdir;
    vars.tmpdir = sb.tmpdir;
    vars.program_prefix = program_prefix(prog.path);
    if (const char* home = getenv("HOME"); home != nullptr && home[0] == '/') vars.home = home;
    auto compiled = policy::compile(*pol, vars);
    if (!compiled) {
      std::fprintf(stderr, "interpose: %s\n", compiled.error.message.c_str());
      remove_private_tmp(sb);
      return kExitBadPolicy;
    }
    o.policy = std::move(*compiled.value);
  }
  if (!log_path.empty()) {
    o.event_fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
    if (o.event_fd < 0) {
      std::fprintf(stderr, "interpose: --log %s: %s\n", log_path.c_str(), strerror(errno));
      remove_private_tmp(sb);
      return kExitUsage;
    }
  } else if (!trace.empty()) {
    if (trace == "-" || trace == "true" || trace == "1") {
      o.event_fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
    } else {
      o.event_fd = open(trace.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
    }
    if (o.event_fd < 0) {
      std::fprintf(stderr, "interpose: --trace %s: %s\n", trace.c_str(), strerror(errno));
      remove_private_tmp(sb);
      return kExitUsage;
    }
  }
  o.sandbox = sb;
  o.landlock = !no_landlock;
  o.trace = log_path.empty() && !trace.empty();
  o.program = prog.path;
  o.argv = command;
  o.runtime = runtime;
  o.verbose = verbose;
  o.config.mode = choice.mode;
  o.plan = std::move(plan.bytes);
  // The session's gate page (used under --mode sud, or if page 0 fails): a
  // fixed address far from where the kernel places mappings, a little random.
  uint16_t r = 0;
  if (getrandom(&r, sizeof r, 0) != sizeof r) r = static_cast<uint16_t>(getpid());
  o.config.gate_page = arena::kDefaultGatePage + (uint64_t{r} << 21);
  o.config.flags = (verbose ? uint32_t{arena::kFlagVerbose} : 0u) | (stats.empty() ? 0u : uint32_t{arena::kFlagStats}) |
                   (facts.sud ? uint32_t{arena::kFlagSudAvailable} : 0u) |
                   (o.policy.empty() ? 0u : uint32_t{arena::kFlagPolicy}) |
                   (!trace.empty() && log_path.empty() ? uint32_t{arena::kFlagTrace} : 0u);
  o.count_every_call = !stats.empty();
  if (!stats.empty()) {
    if (stats == "-" || stats == "true" || stats == "1") {
      o.stats_fd = STDERR_FILENO;
    } else {
      o.stats_fd = open(stats.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (o.stats_fd < 0) {
        std::fprintf(stderr, "interpose: --stats=%s: %s\n", stats.c_str(), strerror(errno));
        return kExitUsage;
      }
    }
  }
  if (verbose) {
    std::fprintf(stderr, "interpose: mode %s (%s)\n", mode_name(choice.mode), choice.reason.c_str());
    if (!runtime.empty()) std::fprintf(stderr, "interpose: runtime %s\n", runtime.c_str());
    if (prog.setuid && choice.mode != arena::kModePtrace)
      std::fprintf(stderr, "interpose: %s is set-user/group-ID: the dynamic loader will ignore LD_PRELOAD\n",
                   prog.path.c_str());
  }
  if (verbose && pol)
    std::fprintf(stderr, "interpose: policy %s: workdir %s, private tmp %s\n", pol->name.c_str(), sb.workdir.c_str(),
                 sb.tmpdir.empty() ? "(none)" : sb.tmpdir.c_str());
  if (!log_path.empty()) {
    // The summary line, once the program (and everything it started) is done.
    const int fd = o.event_fd;
    auto previous = o.at_exit;
    o.at_exit = [fd, previous, name = pol->name](arena::Header& h) {
      if (previous) previous(h);
      std::string line = "{\"summary\":true,\"policy\":\"" + name + "\",\"denied\":" +
                         std::to_string(h.denied.load()) + ",\"logged\":" + std::to_string(h.logged.load()) + "}\n";
      if (write(fd, line.data(), line.size()) < 0) {
      }
    };
  }
  const int status = launch(o);
  remove_private_tmp(sb);
  return status;
}

}  // namespace
}  // namespace interpose::loader

int main(int argc, char** argv) { return interpose::loader::run(argc, argv); }
