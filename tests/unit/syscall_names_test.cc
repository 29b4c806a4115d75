#include "syscall_names.h"

#include <gtest/gtest.h>
#include <sys/syscall.h>

#include <set>
#include <string>

namespace interpose {
namespace {

TEST(SyscallNames, KnownNumbers) {
  EXPECT_STREQ(syscall_name(SYS_read), "read");
  EXPECT_STREQ(syscall_name(SYS_getppid), "getppid");
  EXPECT_STREQ(syscall_name(SYS_clone3), "clone3");
  EXPECT_STREQ(syscall_name(SYS_exit_group), "exit_group");
  EXPECT_EQ(syscall_number("openat"), SYS_openat);
  EXPECT_EQ(syscall_number("rt_sigreturn"), SYS_rt_sigreturn);
}

TEST(SyscallNames, UnknownOnes) {
  EXPECT_EQ(syscall_name(-1), nullptr);
  EXPECT_EQ(syscall_name(335), nullptr);  // the gap between 334 and 424
  EXPECT_EQ(syscall_name(100000), nullptr);
  EXPECT_EQ(syscall_number("no_such_syscall"), -1);
  EXPECT_EQ(syscall_number(""), -1);
  EXPECT_EQ(syscall_number("read2"), -1);
}

TEST(SyscallNames, TableIsConsistent) {
  EXPECT_GT(kSyscallCount, 330);
  std::set<int> numbers;
  std::set<std::string> names;
  for (const SyscallName& s : kSyscallNames) {
    EXPECT_TRUE(numbers.insert(s.nr).second) << s.nr;
    EXPECT_TRUE(names.insert(s.name).second) << s.name;
    EXPECT_STREQ(syscall_name(s.nr), s.name);
    EXPECT_EQ(syscall_number(s.name), s.nr);
  }
  EXPECT_EQ(*numbers.rbegin(), kMaxSyscall);
}

}  // namespace
}  // namespace interpose
