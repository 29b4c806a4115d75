#include "exec_env.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace interpose::hook {
namespace {

constexpr const char* kRuntime = "/opt/interpose/lib/libinterpose.so";

std::vector<std::string> build(std::vector<const char*> env, int fd = 1023) {
  env.push_back(nullptr);
  const char* out[64];
  char buf[4096];
  if (!build_exec_env(env.data(), kRuntime, fd, -1, out, 64, buf, sizeof buf)) return {"<failed>"};
  std::vector<std::string> r;
  for (const char** e = out; *e != nullptr; ++e) r.push_back(*e);
  return r;
}

TEST(ExecEnv, AddsTheRuntimeToAnEmptyEnvironment) {
  EXPECT_EQ(build({}), (std::vector<std::string>{std::string("LD_PRELOAD=") + kRuntime,
                                                 "INTERPOSE_ARENA_FD=1023"}));
}

TEST(ExecEnv, KeepsTheProgramsVariables) {
  auto e = build({"PATH=/bin", "HOME=/root"});
  ASSERT_EQ(e.size(), 4u);
  EXPECT_EQ(e[0], "PATH=/bin");
  EXPECT_EQ(e[1], "HOME=/root");
}

TEST(ExecEnv, PutsTheRuntimeBeforeTheProgramsPreloadInPlace) {
  auto e = build({"A=0", "LD_PRELOAD=/usr/lib/libfoo.so", "X=1"});
  ASSERT_EQ(e.size(), 4u);
  EXPECT_EQ(e[1], std::string("LD_PRELOAD=") + kRuntime + ":/usr/lib/libfoo.so");
  EXPECT_EQ(e[2], "X=1");
  // Set but empty stays distinguishable from unset.
  e = build({"LD_PRELOAD="});
  EXPECT_EQ(e[0], std::string("LD_PRELOAD=") + kRuntime + ":");
}

TEST(ExecEnv, LeavesAPreloadThatAlreadyHasIt) {
  const std::string mine = std::string("LD_PRELOAD=") + kRuntime + ":/x.so";
  auto e = build({mine.c_str()});
  EXPECT_EQ(e[0], mine);
  const std::string prefix_only = std::string("LD_PRELOAD=") + kRuntime + "-other.so";
  e = build({prefix_only.c_str()});
  EXPECT_EQ(e[0], std::string("LD_PRELOAD=") + kRuntime + ":" + kRuntime + "-other.so");
  EXPECT_EQ(e[1], "INTERPOSE_ARENA_FD=1023");
}

TEST(ExecEnv, ReplacesAStaleArenaFd) {
  auto e = build({"INTERPOSE_ARENA_FD=7", "INTERPOSE_ARENA_FDX=1"}, 99);
  EXPECT_EQ(e, (std::vector<std::string>{"INTERPOSE_ARENA_FDX=1", std::string("LD_PRELOAD=") + kRuntime,
                                         "INTERPOSE_ARENA_FD=99"}));
}

TEST(ExecEnv, NullEnvironment) {
  const char* out[8];
  char buf[256];
  ASSERT_TRUE(build_exec_env(nullptr, kRuntime, 3, -1, out, 8, buf, sizeof buf));
  EXPECT_STREQ(out[1], "INTERPOSE_ARENA_FD=3");
  EXPECT_EQ(out[2], nullptr);
}

TEST(ExecEnv, ReportsTooLittleRoom) {
  const char* env[] = {"A=1", "B=2", "C=3", nullptr};
  const char* out[4];
  char buf[4096];
  EXPECT_FALSE(build_exec_env(env, kRuntime, 3, -1, out, 4, buf, sizeof buf));
  const char* out2[16];
  char small[16];
  EXPECT_FALSE(build_exec_env(env, kRuntime, 3, -1, out2, 16, small, sizeof small));
}

}  // namespace
}  // namespace interpose::hook
