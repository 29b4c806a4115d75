// Bad input gets one clear line on stderr and a distinct exit status.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "harness.h"

namespace interpose::test {
namespace {

int lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

TEST(Errors, MissingProgram) {
  RunResult r = run({interpose_bin(), "--", "/nonexistent/program"});
  EXPECT_EQ(r.status, 127);
  EXPECT_EQ(lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("/nonexistent/program"), std::string::npos);
  r = run({interpose_bin(), "no-such-command-anywhere"});
  EXPECT_EQ(r.status, 127);
  EXPECT_NE(r.err.find("command not found"), std::string::npos) << r.err;
}

TEST(Errors, NotExecutable) {
  const std::string path = temp_path("not-executable");
  std::ofstream(path) << "#!/bin/sh\necho hi\n";
  chmod(path.c_str(), 0644);
  RunResult r = run({interpose_bin(), "--", path});
  EXPECT_EQ(r.status, 126);
  EXPECT_EQ(lines(r.err), 1) << r.err;
  r = run({interpose_bin(), "--", "/tmp"});
  EXPECT_EQ(r.status, 126) << r.err;
}

TEST(Errors, RuntimeMissing) {
  RunOptions o;
  o.env = {"INTERPOSE_RUNTIME=/nonexistent/libinterpose.so"};
  RunResult r = run({interpose_bin(), "--", "/bin/true"}, o);
  EXPECT_EQ(r.status, 123);
  EXPECT_EQ(lines(r.err), 1) << r.err;
}

TEST(Errors, StaticBinary) {
  // A runtime cannot be preloaded into it: auto mode traces it instead...
  RunResult r = run({interpose_bin(), "--stats", "--", program("static_exit"), "5"});
  EXPECT_EQ(r.status, 5) << r.err;
  EXPECT_NE(r.err.find("ptrace"), std::string::npos) << r.err;
  // ... and a mode that needs the runtime says so.
  r = run({interpose_bin(), "--mode", "zpoline", "--", program("static_exit"), "5"});
  EXPECT_EQ(r.status, 121);
  EXPECT_EQ(lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("statically linked"), std::string::npos);
  EXPECT_NE(r.err.find("--mode ptrace"), std::string::npos);
}

TEST(Errors, Usage) {
  EXPECT_EQ(run({interpose_bin()}).status, 125);
  EXPECT_EQ(run({interpose_bin(), "--bogus-option", "/bin/true"}).status, 125);
  EXPECT_EQ(run({interpose_bin(), "--mode", "nonsense", "--", "/bin/true"}).status, 125);
  RunResult r = run({interpose_bin(), "--help"});
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("--stats"), std::string::npos);
  r = run({interpose_bin(), "--version"});
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("interpose "), std::string::npos);
}

// The launcher with its runtime next to it, copied where an unprivileged user
// can reach them: the build tree may lie under a directory only root may enter
// (a clone in /root, say).
std::string interpose_for_nobody() {
  namespace fs = std::filesystem;
  static std::string bin;
  if (bin.empty()) {
    const fs::path built = interpose_bin(), prefix = temp_path("install");
    fs::create_directories(prefix / "bin");
    fs::create_directories(prefix / "lib");
    fs::copy_file(built, prefix / "bin" / "interpose", fs::copy_options::overwrite_existing);
    fs::copy_file(built.parent_path().parent_path() / "lib" / "libinterpose.so", prefix / "lib" / "libinterpose.so",
                  fs::copy_options::overwrite_existing);
    for (const fs::path& p : {prefix, prefix / "bin", prefix / "lib", prefix / "bin" / "interpose",
                             prefix / "lib" / "libinterpose.so"})
      fs::permissions(p, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                             fs::perms::others_read | fs::perms::others_exec);
    bin = prefix / "bin" / "interpose";
  }
  return bin;
}

std::vector<std::string> as_nobody(std::vector<std::string> argv) {
  std::vector<std::string> cmd = {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"};
  cmd.insert(cmd.end(), argv.begin(), argv.end());
  return cmd;
}

// Unprivileged, page 0 cannot be mapped: auto falls back to SUD, says so in one
// line, and still interposes everything.
TEST(Errors, UnprivilegedFallsBackToSud) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to drop privileges";
  const std::string stats = temp_path("nobody-stats");
  RunResult r = run(as_nobody({interpose_for_nobody(), "--stats=" + stats, "--", "/bin/sh", "-c",
                               "echo hi; ls / >/dev/null; /usr/bin/python3 -c 'import subprocess; subprocess.run([\"true\"])'"}));
  if (r.status == 127 && r.err.find("setpriv") != std::string::npos) GTEST_SKIP() << r.err;
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "hi\n");
  EXPECT_EQ(lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("page 0"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("falling back to --mode sud"), std::string::npos) << r.err;
  const Interposed s = parse_stats(read_file(stats));
  EXPECT_GT(s.sud, 10u) << s.stats_text;
  EXPECT_GT(s.boot, 10u) << s.stats_text;
  EXPECT_EQ(s.sud + s.boot, s.total);
  // Asking for page 0 explicitly is an error, with its own status.
  r = run(as_nobody({interpose_for_nobody(), "--mode", "zpoline", "--", "/bin/true"}));
  EXPECT_EQ(r.status, 122) << r.err;
  EXPECT_EQ(lines(r.err), 1) << r.err;
}

// Without Syscall User Dispatch, auto falls back to ptrace (one line), still sees
// every syscall, and the modes that need SUD say so.
TEST(Errors, WithoutSudFallsBackToPtrace) {
  const std::string stats = temp_path("nosud-stats");
  RunResult r = run({program("no_sud"), interpose_bin(), "--stats=" + stats, "--", "/bin/sh", "-c", "echo hi"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "hi\n");
  EXPECT_EQ(lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("falling back to --mode ptrace"), std::string::npos) << r.err;
  const Interposed s = parse_stats(read_file(stats));
  EXPECT_GT(s.ptraced, 10u) << s.stats_text;
  for (const char* mode : {"sud", "lazypoline", "k23"}) {
    r = run({program("no_sud"), interpose_bin(), "--mode", mode, "--", "/bin/true"});
    EXPECT_EQ(r.status, 120) << mode << ": " << r.err;
    EXPECT_EQ(lines(r.err), 1) << r.err;
  }
}

TEST(Errors, VerboseSaysWhichModeRuns) {
  RunResult r = run({interpose_bin(), "--verbose", "--", "/bin/true"});
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.err.find("mode lazypoline"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("page 0 can be mapped and SUD works"), std::string::npos) << r.err;
  // At exit: what the lazy path rewrote (exit_group's site at least).
  EXPECT_NE(r.err.find("ran the runtime; "), std::string::npos) << r.err;
  r = run({interpose_bin(), "--verbose", "--mode", "zpoline", "--", "/bin/true"});
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.err.find("rewrote"), std::string::npos) << r.err;
}

// With nothing to serve, count or clean up afterwards, the launcher becomes the
// program, as env(1) does: the program's parent is whoever ran interpose.  With
// --stats it stays, as the program's parent, to print the counts at the end.
TEST(Errors, LauncherExecsInPlaceWhenNothingIsLeftToDo) {
  std::ifstream comm("/proc/self/comm");
  std::string self;
  std::getline(comm, self);
  RunResult r = run({interpose_bin(), "--", "/bin/sh", "-c", "cat /proc/$PPID/comm; exit 3"});
  EXPECT_EQ(r.status, 3);
  EXPECT_EQ(r.out, self + "\n") << r.err;
  r = run({interpose_bin(), "--stats=/dev/null", "--", "/bin/sh", "-c", "cat /proc/$PPID/comm; exit 3"});
  EXPECT_EQ(r.status, 3);
  EXPECT_EQ(r.out, "interpose\n") << r.err;
  // A program that cannot be started is still reported by the launcher.
  r = run({interpose_bin(), "--", "/nonexistent/program"});
  EXPECT_EQ(r.status, 127);
  EXPECT_NE(r.err.find("interpose: "), std::string::npos) << r.err;
}

}  // namespace
}  // namespace interpose::test
