#include "profile.h"

#include <gtest/gtest.h>
#include <sys/syscall.h>

#include <fstream>
#include <sstream>

#include "elf_file.h"
#include "plan.h"
#include "recorded.h"

namespace interpose::profile {
namespace {

const char* kGood =
    "# a comment\n"
    "interpose-profile 1\n"
    "module 0 93ac61ec5a8eb1396f9fbd350e3169a558528a40 /lib/x86_64-linux-gnu/libc.so.6\n"
    "site 0 0xf82ab 478 read=470 syscall_500=3 other=5\n"
    "site 0 0xf834e 205 write=205\n"
    "module 1 - /opt/app with spaces/libx.so\n"
    "site 1 0x10 1 getpid=1\n"
    "anonymous 42\n";

TEST(Profile, ParsesAndRoundTrips) {
  auto r = parse(kGood, "good.prof");
  ASSERT_TRUE(r) << r.error.message;
  const Profile& p = *r.value;
  EXPECT_EQ(p.site_count(), 3u);
  EXPECT_EQ(p.total_hits(), 684u);
  EXPECT_EQ(p.anonymous(), 42u);
  const Module libc{"/lib/x86_64-linux-gnu/libc.so.6", "93ac61ec5a8eb1396f9fbd350e3169a558528a40"};
  const Site& s = p.modules().at(libc).at(0xf82ab);
  EXPECT_EQ(s.syscalls.at(SYS_read), 470u);
  EXPECT_EQ(s.syscalls.at(500), 3u);
  EXPECT_EQ(s.other, 5u);
  EXPECT_TRUE(p.modules().count(Module{"/opt/app with spaces/libx.so", ""}));
  // The text form parses back to the same profile, and is stable.
  const std::string text = p.serialize();
  auto again = parse(text, "again");
  ASSERT_TRUE(again) << again.error.message << "\n" << text;
  EXPECT_EQ(again.value->serialize(), text);
}

TEST(Profile, MergeAddsHits) {
  Profile a = *parse(kGood, "a").value;
  const Profile b = *parse(kGood, "b").value;
  a.merge(b);
  EXPECT_EQ(a.site_count(), 3u);
  EXPECT_EQ(a.total_hits(), 2 * 684u);
  EXPECT_EQ(a.anonymous(), 84u);
  const Module libc{"/lib/x86_64-linux-gnu/libc.so.6", "93ac61ec5a8eb1396f9fbd350e3169a558528a40"};
  EXPECT_EQ(a.modules().at(libc).at(0xf82ab).syscalls.at(SYS_read), 940u);
  // The same path with another build-id is another module.
  Profile c;
  c.add(Module{libc.path, "aa"}, 0xf82ab, Site{1, {{SYS_read, 1}}, 0});
  a.merge(c);
  EXPECT_EQ(a.modules().size(), 3u);
}

// Version 2 says how many process images ran while the hits were recorded; a
// version 1 profile is still read, without that count.
TEST(Profile, ImagesAreKeptAndMerged) {
  EXPECT_EQ(parse(kGood, "v1").value->images(), 0u);
  const std::string v2 = "interpose-profile 2\nimages 7\n" + std::string(kGood).substr(std::string(kGood).find("module"));
  auto r = parse(v2, "v2");
  ASSERT_TRUE(r) << r.error.message;
  EXPECT_EQ(r.value->images(), 7u);
  Profile m = *r.value;
  m.merge(*r.value);
  EXPECT_EQ(m.images(), 14u);
  EXPECT_NE(m.serialize().find("\nimages 14\n"), std::string::npos) << m.serialize();
  EXPECT_EQ(parse(m.serialize(), "again").value->images(), 14u);
}

// Malformed and hostile input: an error naming the file and line, never a crash
// (the sanitizer build checks the "never").  Cases in data/profiles/bad.txt:
//   === expected message fragment
//   profile text...
TEST(Profile, RejectsBadInputWithFileAndLine) {
  std::ifstream f(std::string(INTERPOSE_TEST_DATA) + "/profiles/bad.txt");
  std::string line, expected, text;
  int cases = 0;
  auto check = [&] {
    if (expected.empty()) return;
    auto r = parse(text, "bad.prof");
    EXPECT_FALSE(r) << "accepted:\n" << text;
    EXPECT_NE(r.error.message.find(expected), std::string::npos) << r.error.message << "\nfor:\n" << text;
    EXPECT_EQ(r.error.message.rfind("bad.prof:", 0), 0u) << r.error.message;
    ++cases;
  };
  while (std::getline(f, line)) {
    if (line.rfind("=== ", 0) == 0) {
      check();
      expected = line.substr(4);
      text.clear();
    } else {
      text += line + "\n";
    }
  }
  check();
  EXPECT_GE(cases, 15);
}

TEST(Profile, PlanKeepsHotSitesOfUnchangedModules) {
  const std::string libc = "/lib/x86_64-linux-gnu/libc.so.6";
  const std::string id = rewriter::read_build_id(libc);
  ASSERT_FALSE(id.empty());
  Profile p;
  p.add(Module{libc, id}, 0x100, Site{10, {{SYS_read, 10}}, 0});
  p.add(Module{libc, id}, 0x200, Site{2, {{SYS_write, 2}}, 0});
  p.add(Module{libc, "00112233"}, 0x300, Site{50, {{SYS_read, 50}}, 0});  // stale
  p.add(Module{"/nonexistent/lib.so", "aabb"}, 0x10, Site{5, {{SYS_read, 5}}, 0});
  const Plan hot = make_plan(p, 5, "x.prof");
  EXPECT_EQ(hot.modules, 1u);
  EXPECT_EQ(hot.sites, 1u);
  ASSERT_EQ(hot.warnings.size(), 2u);
  EXPECT_NE(hot.warnings[0].find("has changed since the profile was recorded"), std::string::npos) << hot.warnings[0];
  EXPECT_NE(hot.warnings[1].find("is gone or unreadable"), std::string::npos) << hot.warnings[1];
  const auto* h = reinterpret_cast<const plan::Header*>(hot.bytes.data());
  EXPECT_EQ(h->magic, plan::kMagic);
  EXPECT_EQ(make_plan(p, 1, "x.prof").sites, 2u);
  // Per process image of the recording: 10 hits over 5 images is 2 per image.
  p.add_images(5);
  EXPECT_EQ(make_plan(p, 2, "x.prof").sites, 1u);
  EXPECT_EQ(make_plan(p, 3, "x.prof").sites, 0u);
}

}  // namespace
}  // namespace interpose::profile
