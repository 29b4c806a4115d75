// Real programs under interpose: the same output and exit status as natively,
// and every run really went through dispatch (--stats proves it).
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "harness.h"

namespace interpose::test {
namespace {

class Programs : public ::testing::TestWithParam<std::string> {
 protected:
  bool ptrace() const { return GetParam() == "ptrace"; }

  // Runs argv natively and under interpose in this test's mode; both must agree
  // on stdout and status, and the interposed run must have hooked at least
  // `min_hooked` calls, each by the mode's own mechanisms.
  Interposed expect_same_as_native(const std::vector<std::string>& argv, uint64_t min_hooked = 1,
                                   const RunOptions& o = {}) {
    const RunResult native = run(argv, o);
    Interposed hooked = run_interposed(argv, mode_options(GetParam()), o);
    EXPECT_EQ(hooked.result.status, native.status) << "stderr: " << hooked.result.err;
    EXPECT_EQ(hooked.result.out, native.out) << "stderr: " << hooked.result.err;
    EXPECT_GE(hooked.total, min_hooked) << hooked.stats_text;
    const std::string& m = GetParam();
    if (m == "ptrace") {
      EXPECT_EQ(hooked.ptraced, hooked.total);
    } else {
      EXPECT_EQ(hooked.rewritten + hooked.sud + hooked.boot, hooked.total) << hooked.stats_text;
      EXPECT_GT(hooked.boot, 0u) << "boot coverage";
      if (m == "sud") {
        EXPECT_EQ(hooked.rewritten, 0u);
      } else if (m == "zpoline") {
        EXPECT_GT(hooked.rewritten, 0u) << hooked.stats_text;
      }
      // The lazy modes rewrite only sites SUD catches often enough
      // (Pitfalls.LazyRewriteAfterEnoughTraps): a short program may have none.
    }
    return hooked;
  }

  // Process images that ran the runtime (none under ptrace, which needs none).
  void expect_runtimes(const Interposed& r, uint64_t n) {
    if (!ptrace()) {
      EXPECT_GE(r.runtimes, n) << r.stats_text;
    }
  }
};

INSTANTIATE_TEST_SUITE_P(Modes, Programs, ::testing::ValuesIn(all_modes()),
                         [](const auto& info) { return info.param; });

// Drops the lines of entries whose link counts change while tests run in parallel.
std::string without_volatile_entries(const std::string& listing) {
  std::istringstream in(listing);
  std::string line, out;
  while (std::getline(in, line)) {
    if (line.rfind("total ", 0) == 0) continue;  // sums the blocks of /tmp too
    if (line.size() >= 5 && (line.compare(line.size() - 5, 5, " proc") == 0 ||
                             line.compare(line.size() - 4, 4, " tmp") == 0))
      continue;
    out += line + "\n";
  }
  return out;
}

TEST_P(Programs, LsLaRoot) {
  const RunResult native = run({"ls", "-la", "/"});
  Interposed r = run_interposed({"ls", "-la", "/"}, mode_options(GetParam()));
  EXPECT_EQ(r.result.status, native.status);
  EXPECT_EQ(without_volatile_entries(r.result.out), without_volatile_entries(native.out));
  EXPECT_GT(r.calls["newfstatat"] + r.calls["statx"] + r.calls["lstat"], 10u) << r.stats_text;
  EXPECT_GT(r.calls["getdents64"], 0u);
}

TEST_P(Programs, ShPipeline) {
  Interposed r = expect_same_as_native({"sh", "-c", "seq 1 2000 | sort -r | head -3; echo done"}, 10);
  // sh, seq, sort and head each ran the runtime: exec of every image was followed.
  expect_runtimes(r, 4);
  EXPECT_GE(r.calls["execve"], 3u);
}

TEST_P(Programs, PythonReadsAndWritesFiles) {
  const std::string dir = temp_path("pyfiles");
  const std::string script =
      "import os,sys\n"
      "d=sys.argv[1]; os.makedirs(d, exist_ok=True)\n"
      "for i in range(50):\n"
      "    open(os.path.join(d,'f%d'%i),'w').write('line %d\\n'%i*i)\n"
      "total=sum(len(open(os.path.join(d,'f%d'%i)).read()) for i in range(50))\n"
      "for i in range(50): os.remove(os.path.join(d,'f%d'%i))\n"
      "os.rmdir(d); print('bytes', total)\n";
  Interposed r = expect_same_as_native({"/usr/bin/python3", "-c", script, dir}, 200);
  EXPECT_GE(r.calls["openat"], 100u);
  EXPECT_GE(r.calls["unlink"], 50u);
}

TEST_P(Programs, EightThreads) {
  Interposed r = expect_same_as_native({program("threads8")}, 48000);
  // Every call of every thread counted exactly once.
  EXPECT_EQ(r.calls["getppid"], 8u * 2000);
  EXPECT_GE(r.calls["write"], 8u * 2000);
  EXPECT_GE(r.calls["clone3"] + r.calls["clone"], 8u);
}

TEST_P(Programs, ForkAndExec) {
  Interposed r = expect_same_as_native({program("fork_exec")});
  EXPECT_NE(r.result.out.find("empty-env child"), std::string::npos);
  // fork_exec, echo, and sh started with an empty environment all ran the runtime.
  expect_runtimes(r, 3);
}

TEST_P(Programs, PosixSpawn) {
  Interposed r = expect_same_as_native({program("spawn")});
  EXPECT_NE(r.result.out.find("missing program: ENOENT"), std::string::npos);
  expect_runtimes(r, 4);
}

TEST_P(Programs, Vfork) {
  Interposed r = expect_same_as_native({program("vfork_exec")});
  EXPECT_NE(r.result.out.find("vfork_exec ok"), std::string::npos);
  EXPECT_EQ(r.calls["vfork"], 3u);
}

TEST_P(Programs, PythonSubprocess) {
  Interposed r = expect_same_as_native(
      {"/usr/bin/python3", "-c",
       "import subprocess\n"
       "print([subprocess.run(['echo', str(i)], capture_output=True).stdout for i in range(5)])\n"
       "print(subprocess.run('exit 3', shell=True).returncode)\n"},
      50);
  EXPECT_GE(r.calls["vfork"] + r.calls["clone"] + r.calls["clone3"], 6u);
  expect_runtimes(r, 7);
}

TEST_P(Programs, SignalDuringBlockingRead) {
  Interposed r = expect_same_as_native({program("signal_read")});
  EXPECT_NE(r.result.out.find("no restart: read -1 EINTR"), std::string::npos);
  EXPECT_NE(r.result.out.find("restart: read 1 'z'"), std::string::npos);
  EXPECT_GE(r.calls["rt_sigreturn"], 2u) << "handlers returned through the hook";
}

TEST_P(Programs, CloneWithCallerStack) {
  Interposed r = expect_same_as_native({program("clone_stack")});
  EXPECT_NE(r.result.out.find("clone_stack ok"), std::string::npos);
  EXPECT_GE(r.calls["clone"], 3u);
  EXPECT_GE(r.calls["clone3"], 1u);
}

TEST_P(Programs, EnvironmentLooksNative) {
  // The launcher's variables are the runtime's business: the program sees the
  // environment it would see natively, in it and in what it execs.
  RunOptions o;
  o.env = {"LD_PRELOAD=", "INTERPOSE_TEST_MARK=1"};
  expect_same_as_native({"env"}, 1, o);
  expect_same_as_native({"sh", "-c", "env | sort; env -i /usr/bin/env"}, 1, o);
}

TEST_P(Programs, ExitStatusCodes) {
  for (const char* code : {"0", "3", "255"}) {
    Interposed r = expect_same_as_native({program("exit_status"), code});
    EXPECT_EQ(r.result.status, std::stoi(code));
  }
}

TEST_P(Programs, ExitStatusDeathBySignal) {
  for (const char* sig : {"9", "15", "11", "6"}) {
    Interposed r = expect_same_as_native({program("exit_status"), "kill", sig});
    EXPECT_EQ(r.result.status, 128 + std::stoi(sig));
  }
  expect_same_as_native({"sh", "-c", "kill -9 $$"});
}

TEST_P(Programs, WildJumpIntoPageZeroFaultsAsNatively) {
  for (const char* target : {"0", "0x27", "0x1ff", "0x300"}) {
    const RunResult native = run({program("wild_jump"), target});
    Interposed hooked = run_interposed({program("wild_jump"), target}, mode_options(GetParam()));
    EXPECT_EQ(native.status, 128 + SIGSEGV) << target;
    EXPECT_EQ(hooked.result.status, 128 + SIGSEGV) << target << ": " << hooked.result.err;
    EXPECT_EQ(hooked.result.out.find("survived"), std::string::npos);
    const bool has_page0 = GetParam() != "sud" && GetParam() != "ptrace";
    if (has_page0 && std::string(target) != "0x300") {  // 0x300 is past the sled: the CPU faults it
      EXPECT_NE(hooked.stats_text.find("wild jump"), std::string::npos) << hooked.stats_text;
    }
  }
}

}  // namespace
}  // namespace interpose::test
