// Bad input gets one clear line on stderr and a distinct exit status.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

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
  RunResult r = run({interpose_bin(), "--", program("static_exit"), "5"});
  EXPECT_EQ(r.status, 121);
  EXPECT_EQ(lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("statically linked"), std::string::npos);
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

TEST(Errors, PageZeroNotMappableWhenUnprivileged) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to drop privileges";
  // nobody cannot map below vm.mmap_min_addr.
  RunResult r = run({"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--", interpose_bin(), "--",
                     "/bin/true"});
  if (r.status == 127 && r.err.find("setpriv") != std::string::npos) GTEST_SKIP() << r.err;
  EXPECT_EQ(r.status, 122) << r.err;
  EXPECT_EQ(lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("page 0"), std::string::npos);
}

TEST(Errors, VerboseSaysWhichModeRuns) {
  RunResult r = run({interpose_bin(), "--verbose", "--", "/bin/true"});
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.err.find("mode zpoline"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("rewrote"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace interpose::test
