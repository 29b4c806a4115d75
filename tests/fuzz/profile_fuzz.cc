// libFuzzer target: the profile parser.  Whatever the input, parse() must return
// a profile or an error (never crash, never read out of bounds: ASan/UBSan are on),
// and a profile it accepts must serialize to text that parses back to the same.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "profile.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace interpose::profile;
  const auto r = parse(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.prof");
  if (!r) {
    if (r.error.message.rfind("fuzz.prof:", 0) != 0) abort();  // errors name the file and line
    return 0;
  }
  const std::string text = r.value->serialize();
  const auto again = parse(text, "again.prof");
  if (!again || again.value->serialize() != text) abort();
  return 0;
}
