// --stats against a ptrace ground truth (tests/tracer/syscount), in every mode:
// every syscall every process of the program made from its exec on was counted
// exactly once -- before its runtime was ready by the launcher's boot filter,
// after by dispatch, whichever way it came (rewritten site, SUD, lazily
// rewritten site).  Under --mode ptrace, the launcher's own tracer is compared
// with syscount on a native run of the same deterministic program.
#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "harness.h"

namespace interpose::test {
namespace {

std::map<std::string, uint64_t> read_counts(const std::string& path) {
  std::map<std::string, uint64_t> m;
  std::istringstream in(read_file(path));
  std::string name;
  uint64_t n;
  while (in >> name >> n) m[name] = n;
  return m;
}

void expect_equal(const std::map<std::string, uint64_t>& expected, const std::map<std::string, uint64_t>& got,
                  const std::string& what) {
  ASSERT_FALSE(expected.empty()) << what;
  for (const auto& [name, n] : expected)
    EXPECT_EQ(got.count(name) ? got.at(name) : 0, n) << what << ": " << name;
  for (const auto& [name, n] : got) EXPECT_TRUE(expected.count(name)) << what << ": " << name << " " << n;
}

class Counts : public ::testing::TestWithParam<std::string> {
 protected:
  void expect_counts_match(const std::vector<std::string>& argv) {
    const std::string truth = temp_path("truth");
    const std::string stats = temp_path("stats");
    std::vector<std::string> cmd = {SYSCOUNT_BIN, "--from-exec", "-o", truth, "--", interpose_bin(), "--stats=" + stats};
    for (const auto& o : mode_options(GetParam())) cmd.push_back(o);
    cmd.push_back("--");
    cmd.insert(cmd.end(), argv.begin(), argv.end());
    const RunResult r = run(cmd);
    ASSERT_EQ(r.status, 0) << r.err;
    const Interposed got = parse_stats(read_file(stats));
    expect_equal(read_counts(truth), got.calls, argv[0]);
    EXPECT_GT(got.boot, 20u) << "the dynamic loader's start-up was seen";
  }
};

INSTANTIATE_TEST_SUITE_P(Modes, Counts, ::testing::Values("auto", "zpoline", "lazypoline", "k23", "sud"),
                         [](const auto& info) { return info.param; });

TEST_P(Counts, SyscallMix) { expect_counts_match({program("syscall_mix"), "300"}); }

TEST_P(Counts, EightThreads) { expect_counts_match({program("threads8")}); }

TEST_P(Counts, CloneAndClone3WithCallerStack) { expect_counts_match({program("clone_stack")}); }

TEST_P(Counts, VforkAndSpawn) {
  expect_counts_match({program("vfork_exec")});
  expect_counts_match({program("spawn")});
}

TEST_P(Counts, ShellPipelines) {
  expect_counts_match({"/bin/sh", "-c", "seq 1 3000 | sort -rn | head -5; ls -la /usr/include/linux | wc -l"});
}

TEST_P(Counts, Coreutils) {
  const std::string dir = temp_path("tree");
  expect_counts_match({"/bin/sh", "-c",
                       "mkdir -p " + dir + " && cp -r /usr/include/linux " + dir + "/ && find " + dir +
                           " -name '*.h' | sort | tail -3 && tar cf - -C " + dir + " linux | wc -c && rm -rf " + dir});
}

TEST_P(Counts, PythonThreadsAndSubprocess) {
  expect_counts_match({"/usr/bin/python3", "-c",
                       "import threading, subprocess, os\n"
                       "def w(): [os.stat('/usr') for _ in range(200)]\n"
                       "ts = [threading.Thread(target=w) for _ in range(4)]\n"
                       "[t.start() for t in ts]; [t.join() for t in ts]\n"
                       "print(subprocess.run(['echo', 'hi'], capture_output=True).stdout)\n"
                       "print(subprocess.run('echo $((6*7))', shell=True, capture_output=True).stdout)\n"});
}

// --mode ptrace: the launcher's tracer against syscount on a native run.
TEST(CountsPtrace, MatchesANativeTrace) {
  for (const std::vector<std::string>& argv :
       {std::vector<std::string>{program("syscall_mix"), "200"}, {program("vfork_exec")},
        {program("clone_stack")}, {"/bin/ls", "-la", "/usr/include/linux"}}) {
    const std::string truth = temp_path("truth");
    const std::string stats = temp_path("stats");
    std::vector<std::string> native = {SYSCOUNT_BIN, "--all", "-o", truth, "--"};
    native.insert(native.end(), argv.begin(), argv.end());
    ASSERT_EQ(run(native).status, 0);
    std::vector<std::string> traced = {interpose_bin(), "--mode", "ptrace", "--stats=" + stats, "--"};
    traced.insert(traced.end(), argv.begin(), argv.end());
    ASSERT_EQ(run(traced).status, 0);
    auto expected = read_counts(truth);
    auto got = parse_stats(read_file(stats)).calls;
    // Two runs of one program: it must be deterministic (single-threaded here;
    // threads make futex counts vary from run to run).
    expect_equal(expected, got, argv[0]);
  }
}

}  // namespace
}  // namespace interpose::test
