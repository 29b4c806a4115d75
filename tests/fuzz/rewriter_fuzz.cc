// libFuzzer target: what the rewriter reads from ELF images (unwind tables and
// code), as a hostile file would present it.  The input is split into an
// .eh_frame_hdr, an .eh_frame and a function's code.
#include <cstdint>
#include <algorithm>
#include <cstring>

#include "eh_frame.h"
#include "rewriter.h"

using namespace interpose::rewriter;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 4) return 0;
  const size_t hdr_len = std::min<size_t>(size - 4, (size_t{data[0]} << 8 | data[1]));
  const size_t frame_len = std::min<size_t>(size - 4 - hdr_len, (size_t{data[2]} << 8 | data[3]));
  const uint8_t* hdr = data + 4;
  const uint8_t* frame = hdr + hdr_len;
  const uint8_t* code = frame + frame_len;
  const size_t code_len = size - 4 - hdr_len - frame_len;
  constexpr uint64_t kHdrAddr = 0x200000, kFrameAddr = 0x200000 + 0x10000, kCodeAddr = 0x1000;
  FdeIndex index(ByteView{hdr, hdr_len, kHdrAddr}, ByteView{frame, frame_len, kFrameAddr});
  FunctionRange f;
  for (uint64_t pc = kCodeAddr; pc < kCodeAddr + 256; pc += 17) (void)index.lookup(pc, &f);
  for (size_t i = 0; i < index.size() && i < 64; ++i) (void)index.function_at(i, &f);
  FunctionRange a, b;
  (void)index.neighbors(kCodeAddr + 8, &a, &b);
  static FunctionMap map;
  const FunctionFacts facts = scan_function(ByteView{code, code_len, kCodeAddr}, &map, nullptr, nullptr);
  for (size_t i = 0; i + 1 < code_len; ++i)
    if (code[i] == 0x0f && code[i + 1] == 0x05) (void)classify(kCodeAddr + i, facts, map);
  return 0;
}
