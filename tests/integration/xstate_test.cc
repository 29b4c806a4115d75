// Every preserved register survives thousands of hooked syscalls bit for bit.
#include <gtest/gtest.h>
#include <sys/syscall.h>

#include "harness.h"

namespace interpose::test {
namespace {

void check_xstate(long nr, const char* name) {
  const long iterations = 20000;
  Interposed r = run_interposed({program("xstate"), std::to_string(iterations), std::to_string(nr)});
  if (r.result.status == 77) GTEST_SKIP() << "no AVX-512 here";
  EXPECT_EQ(r.result.status, 0) << r.result.out << r.result.err;
  EXPECT_NE(r.result.out.find("xstate ok"), std::string::npos) << r.result.out;
  // The loop's site was rewritten: every call went through dispatch.
  EXPECT_GE(r.calls[name], static_cast<uint64_t>(iterations)) << r.stats_text;
}

TEST(XState, SurvivesTheFastPath) { check_xstate(SYS_getppid, "getppid"); }

TEST(XState, SurvivesASpecialPath) { check_xstate(SYS_close, "close"); }

TEST(XState, CheckerDetectsACorruptedRegister) {
  RunOptions o;
  o.env = {"XSTATE_SELFTEST_CORRUPT=1"};
  RunResult r = run({program("xstate"), "100"}, o);
  if (r.status == 77) GTEST_SKIP();
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.out.find("zmm17 differs"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace interpose::test
