#include "exec_check.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

namespace interpose::hook {
namespace {

ExecTarget classify_file(const std::string& path) {
  unsigned char head[4096];
  const int fd = open(path.c_str(), O_RDONLY);
  if (fd < 0) return ExecTarget::kUnknown;
  const ssize_t n = read(fd, head, sizeof head);
  close(fd);
  return classify_elf(head, n > 0 ? static_cast<unsigned long>(n) : 0);
}

TEST(ExecCheck, DynamicProgramsArePreloadable) {
  EXPECT_EQ(classify_file("/bin/true"), ExecTarget::kPreloadable);
  EXPECT_EQ(classify_file("/usr/bin/python3"), ExecTarget::kPreloadable);
}

TEST(ExecCheck, StaticAndForeign) {
  EXPECT_EQ(classify_file(INTERPOSE_STATIC_PROGRAM), ExecTarget::kStatic);
  unsigned char elf32[64] = {0x7f, 'E', 'L', 'F', 1 /* ELFCLASS32 */, 1, 1};
  EXPECT_EQ(classify_elf(elf32, sizeof elf32), ExecTarget::kForeign);
}

TEST(ExecCheck, NotElf) {
  const unsigned char script[] = "#!/bin/sh\necho\n";
  EXPECT_EQ(classify_elf(script, sizeof script), ExecTarget::kUnknown);
  EXPECT_EQ(classify_elf(nullptr, 0), ExecTarget::kUnknown);
  unsigned char truncated[20] = {0x7f, 'E', 'L', 'F', 2};
  EXPECT_EQ(classify_elf(truncated, sizeof truncated), ExecTarget::kUnknown);
}

}  // namespace
}  // namespace interpose::hook
