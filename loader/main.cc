// interpose: run a program with every syscall going through the runtime.
//
//   interpose [options] [--] program [args...]
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <string>
#include <vector>

#include "exit_codes.h"
#include "launcher.h"
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
  uint64_t hot = 1;
  app.add_option("--profile", profile_path,
                 "Rewrite the sites this profile (from interpose-profile) saw, and only those (implies --mode k23)");
  app.add_option("--hot", hot, "With --profile: only sites hit at least N times (default 1)")->check(CLI::PositiveNumber);
  app.add_option("-m,--mode", mode,
                 "How syscalls are caught: auto (default: the fastest this machine allows), zpoline, "
                 "lazypoline, k23, sud, ptrace (see docs/modes.md)")
      ->check(CLI::IsMember({"auto", "zpoline", "lazypoline", "k23", "sud", "ptrace"}));
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

  const ProgramCheck prog = check_program(command.front());
  if (prog.path.empty()) {  // missing or not executable: nothing to run in any mode
    std::fprintf(stderr, "interpose: %s\n", prog.error.c_str());
    return prog.exit_code;
  }
  const MachineFacts facts = probe_machine();
  ModeChoice choice = choose_mode(mode, facts, prog);
  if (!profile_path.empty() && choice.exit_code == 0) {
    choice.notice.clear();
    choice.reason = "with --profile: the " + std::to_string(plan.sites) + " profiled sites (hit at least " +
                    std::to_string(hot) + " times) in " + std::to_string(plan.modules) +
                    " modules are rewritten at load, SUD catches the rest";
  }
  if (choice.exit_code != 0) {
    std::fprintf(stderr, "interpose: %s\n", choice.error.c_str());
    return choice.exit_code;
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
                   (facts.sud ? uint32_t{arena::kFlagSudAvailable} : 0u);
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
  return launch(o);
}

}  // namespace
}  // namespace interpose::loader

int main(int argc, char** argv) { return interpose::loader::run(argc, argv); }
