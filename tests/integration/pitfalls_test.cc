// The five K23 pitfalls and code created after start-up, each tried by a small
// program (tests/programs/) under every mode that runs the runtime: the attempt
// must fail, and the program must otherwise behave as it does natively.
#include <gtest/gtest.h>

#include "abi.h"
#include "harness.h"

namespace interpose::test {
namespace {

const std::vector<std::string> kRuntimeModes = {"zpoline", "lazypoline", "k23", "sud"};

class Pitfalls : public ::testing::TestWithParam<std::string> {
 protected:
  Interposed interposed(const std::vector<std::string>& argv) { return run_interposed(argv, mode_options(GetParam())); }
};

INSTANTIATE_TEST_SUITE_P(Modes, Pitfalls, ::testing::ValuesIn(kRuntimeModes),
                         [](const auto& info) { return info.param; });

// 1. Exec with an empty or hostile environment, execveat, fexecve: the runtime
// is back in every image and counts its calls.  A static binary is refused.
TEST_P(Pitfalls, ExecKeepsTheRuntime) {
  Interposed r = interposed({program("pitfall_exec"), program("syscall_mix"), program("static_exit")});
  EXPECT_EQ(r.result.status, 0) << r.result.err;
  for (const char* how : {"empty-env: status 0", "hostile-env: status 0", "execveat: status 0", "fexecve: status 0"})
    EXPECT_NE(r.result.out.find(how), std::string::npos) << how << "\n" << r.result.out;
  EXPECT_EQ(r.runtimes, 5u) << "pitfall_exec and four exec'd images";
  EXPECT_EQ(r.calls["getppid"], 4u * 7 * 2) << "every call of every exec'd image was counted";
  EXPECT_NE(r.result.out.find("static exec: Permission denied"), std::string::npos) << r.result.out;
  EXPECT_NE(r.result.err.find("refusing to exec"), std::string::npos) << r.result.err;
  // Natively the static binary runs (and its exit status is the program's).
  EXPECT_EQ(run({program("pitfall_exec"), program("syscall_mix"), program("static_exit")}).status, 5);
}

// 2. SUD off, the program's own SIGSYS handler and seccomp trap, SIGSYS blocked
// three ways, a moved alternate stack: same output as natively, and the calls
// made from run-time code after each attempt all counted.
TEST_P(Pitfalls, ProgramCannotSwitchTheRuntimeOff) {
  const RunResult native = run({program("pitfall_signals")});
  ASSERT_EQ(native.status, 0);
  Interposed r = interposed({program("pitfall_signals")});
  EXPECT_EQ(r.result.status, 0) << r.result.err;
  EXPECT_EQ(r.result.out, native.out);
  // 8 rounds of 100 JIT calls, each compared with a getppid() of libc's.
  EXPECT_EQ(r.calls["getppid"], 1600u) << r.stats_text;
  EXPECT_GE(r.sud, 800u) << "run-time code is reached only by SUD";
}

// 2. A seccomp filter that would kill the runtime is refused; natively it is
// installed and kills the program at its next mmap.
TEST_P(Pitfalls, FilterThatWouldStopTheRuntimeIsRefused) {
  EXPECT_EQ(run({program("pitfall_seccomp")}).status, 128 + 31);
  Interposed r = interposed({program("pitfall_seccomp")});
  EXPECT_EQ(r.result.status, 0) << r.result.err;
  EXPECT_NE(r.result.out.find("mmap-killing filter: Operation not permitted"), std::string::npos) << r.result.out;
  EXPECT_NE(r.result.out.find("mmap after it: worked"), std::string::npos);
  EXPECT_NE(r.result.out.find("strict mode: Operation not permitted"), std::string::npos);
}

// 3. Bytes 0f 05 that are not instructions stay as they are.
TEST_P(Pitfalls, DataIsNeverRewritten) {
  const RunResult native = run({program("pitfall_data")});
  Interposed r = interposed({program("pitfall_data")});
  EXPECT_EQ(r.result.status, 0);
  EXPECT_EQ(r.result.out, native.out);
  EXPECT_EQ(r.result.out.find("CHANGED"), std::string::npos) << r.result.out;
}

// 5. Sites rewritten while 8 threads run them, 1000 rounds: no crash, no wrong
// result, every call counted.
TEST_P(Pitfalls, RewritingWhileThreadsRunTheSite) {
  Interposed r = interposed({program("stress_lazy"), "1000", "10"});
  EXPECT_EQ(r.result.status, 0) << r.result.out << r.result.err;
  EXPECT_NE(r.result.out.find("1000 rounds x 8 threads x 10 calls, 0 wrong"), std::string::npos) << r.result.out;
  EXPECT_EQ(r.calls["getppid"], 80000u + 1) << r.stats_text;
  if (GetParam() == "lazypoline" || GetParam() == "k23") {
    EXPECT_GT(r.rewritten, 70000u) << "most calls went through sites rewritten under the threads' feet";
    EXPECT_GT(r.sud, 1000u) << "each site's first callers were caught by SUD";
  }
}

// The lazy modes rewrite a site on SUD's INTERPOSE_LAZY_TRAPS_BEFORE_REWRITE-th
// catch of it: a site called fewer times stays on SUD (a rewrite costs ten
// SUD round trips), one called more takes the rewritten path from then on.
TEST_P(Pitfalls, LazyRewriteAfterEnoughTraps) {
  if (GetParam() != "lazypoline" && GetParam() != "k23") GTEST_SKIP() << "no lazy rewriting in this mode";
  constexpr int kN = INTERPOSE_LAZY_TRAPS_BEFORE_REWRITE;
  Interposed few = interposed({program("lazy_threshold"), std::to_string(kN - 1)});
  Interposed many = interposed({program("lazy_threshold"), std::to_string(kN + 10)});
  ASSERT_EQ(few.result.status, 0) << few.result.out << few.result.err;
  ASSERT_EQ(many.result.status, 0) << many.result.out << many.result.err;
  EXPECT_EQ(many.sites_rewritten, few.sites_rewritten + 1) << few.stats_text << many.stats_text;
  EXPECT_EQ(many.sud, few.sud + 1) << "the trap that rewrote it";
  EXPECT_EQ(many.rewritten, few.rewritten + 10) << "the calls after the rewrite";
}

// Code created after start-up.
TEST_P(Pitfalls, JitCodeIsCaught) {
  for (const char* how : {"rwx", "wx"}) {
    Interposed r = interposed({program("jit"), how, "500"});
    EXPECT_EQ(r.result.status, 0) << r.result.out;
    EXPECT_EQ(r.calls["getppid"], 1000u) << how;
    EXPECT_GE(r.sud, 500u) << how << ": run-time code without unwind info stays on SUD";
  }
}

TEST_P(Pitfalls, DlopenedLibraryIsCaught) {
  Interposed r = interposed({program("dlopen_lib"), program("libsyscaller.so"), "400"});
  EXPECT_EQ(r.result.status, 0) << r.result.out;
  EXPECT_EQ(r.calls["getppid"], 800u);
  if (GetParam() == "lazypoline" || GetParam() == "k23") {
    EXPECT_GE(r.rewritten, 399u) << "the library's site was rewritten after its first call";
  }
}

TEST_P(Pitfalls, RuntimeMemoryCannotBeTakenAway) {
  Interposed r = interposed({program("tamper")});
  // Under sud page 0 is not the runtime's: what happens there is what happens
  // natively (root may map it).
  const bool page0_ours = GetParam() != "sud";
  EXPECT_EQ(r.result.status, page0_ours ? 128 + 11 : run({program("tamper")}).status) << "writing page 0";
  const std::string& out = r.result.out;
  EXPECT_NE(out.find("runtime text found"), std::string::npos);
  for (const char* line : {"mprotect runtime rw          Operation not permitted",
                           "madvise runtime              Operation not permitted",
                           "munmap runtime               Operation not permitted",
                           "mremap runtime               Operation not permitted",
                           "mmap MAP_FIXED over runtime  Operation not permitted"})
    EXPECT_NE(out.find(line), std::string::npos) << line << "\n" << out;
  if (page0_ours) {  // page 0 is the runtime's: it answers as if nothing were there
    for (const char* line : {"munmap page 0                succeeded", "mprotect page 0 rw           Cannot allocate memory",
                             "mmap MAP_FIXED at 0          Operation not permitted"})
      EXPECT_NE(out.find(line), std::string::npos) << line << "\n" << out;
  }
  if (page0_ours) {
    EXPECT_EQ(out.find("wrote page 0"), std::string::npos);
  }
}

// A call straight into the runtime's gate, past its entry checks, gets one
// syscall and kills the process (exit status 128+SIGSYS); natively there is no
// gate.
TEST_P(Pitfalls, CallingTheGateKillsTheProcess) {
  EXPECT_EQ(run({program("gate_jump")}).out, "no gate\n");
  Interposed r = interposed({program("gate_jump")});
  EXPECT_NE(r.result.out.find("calling the gate"), std::string::npos) << r.result.out;
  EXPECT_EQ(r.result.out.find("the gate answered"), std::string::npos) << r.result.out;
  EXPECT_EQ(r.result.status, 128 + 31);
}

}  // namespace
}  // namespace interpose::test
