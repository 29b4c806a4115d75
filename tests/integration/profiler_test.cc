// interpose-profile and --profile: recording, merging, showing, and the k23 run
// that rewrites exactly the profiled sites.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "harness.h"

namespace interpose::test {
namespace {

std::string profiler_bin() { return std::string(INTERPOSE_PROFILE_BIN); }
std::string script(const std::string& name) { return std::string(TEST_SCRIPTS_DIR) + "/" + name; }

// The hits a profile recorded for one syscall, over all sites.
uint64_t hits_of(const std::string& profile_text, const std::string& syscall) {
  uint64_t n = 0;
  const std::regex re(" " + syscall + "=([0-9]+)");
  for (auto it = std::sregex_iterator(profile_text.begin(), profile_text.end(), re); it != std::sregex_iterator(); ++it)
    n += std::stoull((*it)[1]);
  return n;
}

TEST(Profiler, RecordsEverySite) {
  const std::string prof = temp_path("mix.prof");
  RunResult r = run({profiler_bin(), "-o", prof, "--", program("syscall_mix"), "100"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("syscall_mix ok 100"), std::string::npos);
  const std::string text = read_file(prof);
  EXPECT_EQ(text.rfind("# interpose profile", 0), 0u);
  EXPECT_NE(text.find("\ninterpose-profile 2\n"), std::string::npos);
  // One process image ran the runtime (its forked child continues that image:
  // the rewrites at load an image gets are inherited by fork).
  EXPECT_NE(text.find("\nimages 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("libc.so.6"), std::string::npos);
  // Exactly the calls the program made: 100 getppid in it and 100 in its child.
  EXPECT_EQ(hits_of(text, "getppid"), 200u) << text;
  EXPECT_EQ(hits_of(text, "lseek"), 100u) << text;
  // --append adds a second run.
  r = run({profiler_bin(), "-o", prof, "--append", "--", program("syscall_mix"), "100"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(hits_of(read_file(prof), "getppid"), 400u);
  EXPECT_NE(read_file(prof).find("\nimages 2\n"), std::string::npos);
}

TEST(Profiler, MergeAndShow) {
  const std::string a = temp_path("a.prof"), b = temp_path("b.prof"), c = temp_path("c.prof");
  ASSERT_EQ(run({profiler_bin(), "-o", a, "--", program("syscall_mix"), "50"}).status, 0);
  ASSERT_EQ(run({profiler_bin(), "-o", b, "--", program("threads8")}).status, 0);
  RunResult r = run({profiler_bin(), "merge", a, b, "-o", c});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(hits_of(read_file(c), "getppid"), 100u + 16000u);
  r = run({profiler_bin(), "show", c, "--top", "5"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("libc.so.6+0x"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("<getppid"), std::string::npos) << "symbol names from the module" << r.out;
  EXPECT_NE(r.out.find("getppid:16100"), std::string::npos) << "one libc site, both runs" << r.out;
}

TEST(Profiler, BadProfilesAreRefusedWithFileAndLine) {
  const std::string bad = temp_path("bad.prof");
  std::ofstream(bad) << "interpose-profile 1\nmodule 0 - /lib/x.so\nsite 0 0x10 5 read=4\n";
  RunResult r = run({interpose_bin(), "--profile", bad, "--", program("exit_status"), "0"});
  EXPECT_EQ(r.status, 125);
  EXPECT_EQ(r.err, "interpose: " + bad + ":3: the syscall counts add up to 4, not the site's 5 hits\n");
  EXPECT_EQ(r.out, "") << "the program did not run";
  r = run({profiler_bin(), "show", bad});
  EXPECT_EQ(r.status, 125);
  std::ofstream(bad) << std::string(3000, '\x01');
  r = run({interpose_bin(), "--profile", bad, "--", "/bin/true"});
  EXPECT_EQ(r.status, 125);
  EXPECT_NE(r.err.find(bad + ":1:"), std::string::npos) << r.err;
  r = run({interpose_bin(), "--profile", temp_path("missing.prof"), "--", "/bin/true"});
  EXPECT_EQ(r.status, 125);
  EXPECT_NE(r.err.find("No such file"), std::string::npos) << r.err;
}

TEST(Profiler, StaleModulesAreSkippedWithOneWarning) {
  const std::string prof = temp_path("stale.prof");
  ASSERT_EQ(run({profiler_bin(), "-o", prof, "--", program("syscall_mix"), "20"}).status, 0);
  // Pretend libc was rebuilt since: its build-id no longer matches.
  std::string text = read_file(prof);
  const std::regex libc_line("module ([0-9]+) [0-9a-f]+ (/[^\n]*libc\\.so\\.6)");
  text = std::regex_replace(text, libc_line, "module $1 00112233445566778899aabbccddeeff00112233 $2");
  std::ofstream(prof) << text;
  Interposed r = run_interposed({program("syscall_mix"), "20"}, {"--profile", prof});
  EXPECT_EQ(r.result.status, 0);
  EXPECT_NE(r.result.err.find("libc.so.6 has changed since the profile was recorded"), std::string::npos)
      << r.result.err;
  EXPECT_EQ(std::count(r.result.err.begin(), r.result.err.end(), '\n'), 1) << r.result.err;
  EXPECT_EQ(r.calls["getppid"], 40u);
  EXPECT_EQ(r.rewritten, 0u) << "nothing of the stale module was rewritten";
}

TEST(Profiler, HotThresholdSelectsSites) {
  const std::string prof = temp_path("hot.prof");
  ASSERT_EQ(run({profiler_bin(), "-o", prof, "--", program("syscall_mix"), "50"}).status, 0);
  auto rewrote = [&](const std::string& hot) {
    RunResult r = run({interpose_bin(), "--verbose", "--profile", prof, "--hot", hot, "--", program("syscall_mix"), "50"});
    const std::smatch m = [&] {
      std::smatch s;
      std::regex_search(r.err, s, std::regex("k23: rewrote ([0-9]+) profiled sites"));
      return s;
    }();
    return m.empty() ? -1 : std::stoi(m[1]);
  };
  const int all = rewrote("1"), hot = rewrote("50");
  EXPECT_GT(all, hot);
  EXPECT_GE(hot, 5) << "getppid, write, lseek, read, fstat, getpid: 50 calls each";
}

// Profile python3 on two reference solutions, then run a different student
// script with that profile: nearly all of its syscalls take the rewritten path,
// and every one is counted (against the ptrace ground truth).
TEST(Profiler, StudentRunUsesTheReferenceProfile) {
  const std::string prof = temp_path("python.prof");
  ASSERT_EQ(run({profiler_bin(), "-o", prof, "--", "/usr/bin/python3", script("ref_a.py")}).status, 0);
  ASSERT_EQ(run({profiler_bin(), "-o", prof, "--append", "--", "/usr/bin/python3", script("ref_b.py")}).status, 0);
  const std::string truth = temp_path("truth");
  const std::string stats = temp_path("stats");
  const RunResult r = run({SYSCOUNT_BIN, "--from-exec", "-o", truth, "--", interpose_bin(), "--profile", prof,
                           "--stats=" + stats, "--", "/usr/bin/python3", script("student.py")});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("student"), std::string::npos);
  const Interposed s = parse_stats(read_file(stats));
  std::istringstream in(read_file(truth));
  std::string name;
  uint64_t n, truth_total = 0;
  while (in >> name >> n) truth_total += n;
  EXPECT_EQ(s.total, truth_total) << "every syscall counted";
  const double share = static_cast<double>(s.rewritten) / static_cast<double>(s.total);
  EXPECT_GE(share, 0.95) << s.stats_text;
  RecordProperty("rewritten_share", std::to_string(share));
  std::printf("rewritten share %.4f (%llu of %llu, boot %llu, SUD %llu)\n", share,
              static_cast<unsigned long long>(s.rewritten), static_cast<unsigned long long>(s.total),
              static_cast<unsigned long long>(s.boot), static_cast<unsigned long long>(s.sud));
}

// A library dlopen'd after start-up gets its profiled sites rewritten when it
// is mapped.
TEST(Profiler, DlopenedLibraryIsRewrittenWhenMapped) {
  const std::string prof = temp_path("dl.prof");
  const std::string lib = program("libsyscaller.so");
  ASSERT_EQ(run({profiler_bin(), "-o", prof, "--", program("dlopen_lib"), lib, "50"}).status, 0);
  EXPECT_NE(read_file(prof).find("libsyscaller.so"), std::string::npos);
  Interposed r = run_interposed({program("dlopen_lib"), lib, "500"}, {"--profile", prof});
  EXPECT_EQ(r.result.status, 0) << r.result.out << r.result.err;
  EXPECT_EQ(r.calls["getppid"], 1000u);
  EXPECT_LE(r.sud, 20u) << "the library's site was rewritten before its first call\n" << r.stats_text;
}

}  // namespace
}  // namespace interpose::test
