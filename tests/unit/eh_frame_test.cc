#include "eh_frame.h"

#include <gtest/gtest.h>
#include <link.h>

#include <random>
#include <vector>

#include "elf_file.h"

namespace interpose::rewriter {
namespace {

// The unwind index of a real library, laid out as the loader would.
struct Libc {
  ElfFile elf;
  ByteView hdr, frame;
  Libc() {
    std::string error;
    if (!elf.load("/lib/x86_64-linux-gnu/libc.so.6", &error)) ADD_FAILURE() << error;
    const ModuleImage m = elf.image();
    for (size_t i = 0; i < m.phnum; ++i) {
      if (m.phdr[i].p_type != PT_GNU_EH_FRAME) continue;
      const uint64_t at = m.bias + m.phdr[i].p_vaddr;
      hdr = ByteView{reinterpret_cast<const uint8_t*>(at), m.phdr[i].p_memsz, at};
      for (size_t j = 0; j < m.phnum; ++j) {
        const auto& p = m.phdr[j];
        if (p.p_type == PT_LOAD && at >= m.bias + p.p_vaddr && at < m.bias + p.p_vaddr + p.p_filesz)
          frame = ByteView{reinterpret_cast<const uint8_t*>(m.bias + p.p_vaddr), p.p_filesz, m.bias + p.p_vaddr};
      }
    }
  }
};

TEST(EhFrame, FindsFunctionsOfTheCLibrary) {
  Libc libc;
  FdeIndex index(libc.hdr, libc.frame);
  ASSERT_EQ(index.status(), EhStatus::kOk);
  EXPECT_GT(index.size(), 1000u);
  // Every table entry parses, in address order, without overlaps.
  uint64_t last_end = 0;
  size_t overlaps = 0;
  for (size_t i = 0; i < index.size(); ++i) {
    FunctionRange f;
    ASSERT_EQ(index.function_at(i, &f), EhStatus::kOk) << i;
    EXPECT_LT(f.begin, f.end);
    if (f.begin < last_end) ++overlaps;
    last_end = f.end;
    FunctionRange g;
    ASSERT_EQ(index.lookup(f.begin, &g), EhStatus::kOk);
    EXPECT_EQ(g.begin, f.begin);
    ASSERT_EQ(index.lookup(f.end - 1, &g), EhStatus::kOk);
  }
  EXPECT_EQ(overlaps, 0u);
  FunctionRange f;
  EXPECT_EQ(index.lookup(0, &f), EhStatus::kNotFound);
}

TEST(EhFrame, MalformedInputIsAnErrorNotACrash) {
  Libc libc;
  // Truncated header, bad version, and random corruption: never out of bounds
  // (ASan checks that in the sanitizer build).
  FdeIndex truncated(ByteView{libc.hdr.data, 3, libc.hdr.addr}, libc.frame);
  EXPECT_NE(truncated.status(), EhStatus::kOk);
  std::vector<uint8_t> hdr(libc.hdr.data, libc.hdr.data + libc.hdr.size);
  hdr[0] = 2;
  FdeIndex bad_version(ByteView{hdr.data(), hdr.size(), libc.hdr.addr}, libc.frame);
  EXPECT_NE(bad_version.status(), EhStatus::kOk);
  std::vector<uint8_t> frame(libc.frame.data, libc.frame.data + libc.frame.size);
  std::mt19937 rng(7);
  for (int round = 0; round < 20; ++round) {
    std::vector<uint8_t> h(libc.hdr.data, libc.hdr.data + libc.hdr.size), fr = frame;
    for (int k = 0; k < 200; ++k) h[rng() % h.size()] = static_cast<uint8_t>(rng());
    for (int k = 0; k < 2000; ++k) fr[rng() % fr.size()] = static_cast<uint8_t>(rng());
    FdeIndex idx(ByteView{h.data(), h.size(), libc.hdr.addr}, ByteView{fr.data(), fr.size(), libc.frame.addr});
    for (size_t i = 0; i < idx.size() && i < 3000; i += 7) {
      FunctionRange f;
      (void)idx.function_at(i, &f);
      (void)idx.lookup(libc.frame.addr + rng() % (4 << 20), &f);
    }
  }
}

}  // namespace
}  // namespace interpose::rewriter
