#include "rewriter.h"

#include <gtest/gtest.h>
#include <sys/mman.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "elf_file.h"
#include "module_scan.h"

namespace interpose::rewriter {
namespace {

struct Case {
  std::string name;
  uint64_t addr;
  std::vector<uint8_t> bytes;
  std::string expected;
};

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  const auto e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::vector<Case> load_cases() {
  std::ifstream f(std::string(INTERPOSE_TEST_DATA) + "/rewriter_cases.txt");
  std::vector<Case> cases;
  std::string line;
  while (std::getline(f, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string col;
    while (std::getline(ss, col, '|')) cols.push_back(trim(col));
    if (cols.size() != 4) continue;
    Case c{cols[0], std::stoull(cols[1], nullptr, 0), {}, cols[3]};
    std::stringstream hex(cols[2]);
    std::string byte;
    while (hex >> byte) c.bytes.push_back(static_cast<uint8_t>(std::stoul(byte, nullptr, 16)));
    cases.push_back(c);
  }
  return cases;
}

// The verdict of every byte pair 0f 05 in the function, as "offset:verdict ...".
std::string judge_all(const Case& c) {
  static FunctionMap map;
  const ByteView code{c.bytes.data(), c.bytes.size(), c.addr};
  const FunctionFacts facts = scan_function(code, &map, nullptr, nullptr);
  std::string out;
  for (size_t i = 0; i + 1 < c.bytes.size(); ++i) {
    if (c.bytes[i] != 0x0f || c.bytes[i + 1] != 0x05) continue;
    if (!out.empty()) out += " ";
    out += std::to_string(i) + ":" + verdict_name(classify(c.addr + i, facts, map));
  }
  return out;
}

TEST(Rewriter, GoldenCases) {
  const std::vector<Case> cases = load_cases();
  ASSERT_GE(cases.size(), 15u);
  for (const Case& c : cases) EXPECT_EQ(judge_all(c), c.expected) << c.name;
}

TEST(Rewriter, CacheLineRule) {
  EXPECT_TRUE(fits_cache_line(0x1000));
  EXPECT_TRUE(fits_cache_line(0x103e));
  EXPECT_FALSE(fits_cache_line(0x103f));
  EXPECT_FALSE(fits_cache_line(0x1fff));
}

TEST(Rewriter, EmptyAndTruncatedInput) {
  static FunctionMap map;
  const uint8_t half[] = {0x0f};
  FunctionFacts f = scan_function(ByteView{half, 1, 0x1000}, &map, nullptr, nullptr);
  EXPECT_EQ(f.syscalls, 0u);
  EXPECT_TRUE(f.decode_failed);
  f = scan_function(ByteView{nullptr, 0, 0x1000}, &map, nullptr, nullptr);
  EXPECT_EQ(f.syscalls, 0u);
  EXPECT_EQ(classify(0x1000, f, map), Verdict::kNoFunction);
}

TEST(Rewriter, TooBigFunctionsAreNotTrusted) {
  static FunctionMap map;
  std::vector<uint8_t> code(FunctionMap::kMaxBytes + 16, 0x90);
  code[100] = 0x0f;
  code[101] = 0x05;
  const FunctionFacts f = scan_function(ByteView{code.data(), code.size(), 0x1000}, &map, nullptr, nullptr);
  EXPECT_TRUE(f.too_big);
  EXPECT_EQ(classify(0x1000 + 100, f, map), Verdict::kUndecodable);
}

// The real C library: the sites the runtime relies on are found, the ones it must
// not touch are refused, with the reasons docs/architecture.md gives.
TEST(Rewriter, SystemLibc) {
  ElfFile libc;
  std::string error;
  ASSERT_TRUE(libc.load("/lib/x86_64-linux-gnu/libc.so.6", &error)) << error;
  struct Tally {
    const ElfFile* elf;
    std::map<std::string, std::vector<std::string>> by_verdict;
    size_t n = 0;
  } t{&libc, {}};
  scan_module(libc.image(), [](void* ctx, uint64_t addr, Verdict v, int) {
    auto* t = static_cast<Tally*>(ctx);
    const ElfSymbol* s = t->elf->symbol_at(addr - t->elf->bias());
    t->by_verdict[verdict_name(v)].push_back(s != nullptr ? s->name : "?");
    ++t->n;
  }, &t);
  EXPECT_GT(t.by_verdict["rewrite"].size(), 400u);
  auto has = [&](const char* verdict, const char* fn) {
    const auto& v = t.by_verdict[verdict];
    return std::find(v.begin(), v.end(), fn) != v.end();
  };
  // clone's CFI ends right before its syscall; the gap rule still rewrites it.
  EXPECT_TRUE(has("rewrite", "clone") || has("rewrite", "__clone")) << "clone";
  EXPECT_TRUE(has("rewrite", "getppid"));
  // Nothing is rewritten that is not known to be an instruction.
  EXPECT_EQ(t.by_verdict["not-an-instruction"].size(), 0u);
  EXPECT_EQ(t.by_verdict["undecodable"].size(), 0u);
  for (const auto& [verdict, fns] : t.by_verdict) {
    if (verdict != "rewrite") {
      EXPECT_LT(fns.size(), 20u) << verdict;
    }
  }
}

// The vectorised pair search finds exactly what a byte-by-byte search finds:
// pairs straddling its 16-byte steps, at either end, overlapping 0f 0f 05.
TEST(Rewriter, FindSyscallPairMatchesNaiveSearch) {
  uint32_t seed = 12345;
  auto next = [&] { return seed = seed * 1103515245u + 12345u; };
  for (int round = 0; round < 2000; ++round) {
    std::vector<uint8_t> buf(next() % 80);
    // A small alphabet so that 0f, 05 and their pairs are common.
    for (auto& b : buf) b = static_cast<uint8_t>("\x0f\x05\x90\x0f"[next() % 4]);
    std::vector<size_t> naive, fast;
    for (size_t i = 0; i + 1 < buf.size(); ++i)
      if (buf[i] == 0x0f && buf[i + 1] == 0x05) naive.push_back(i);
    const uint8_t* end = buf.data() + buf.size();
    for (const uint8_t* p = buf.data(); (p = find_syscall_pair(p, end)) != nullptr; ++p)
      fast.push_back(static_cast<size_t>(p - buf.data()));
    ASSERT_EQ(naive, fast) << "round " << round;
  }
}

}  // namespace
}  // namespace interpose::rewriter
