// libFuzzer target: the policy parser and compiler, and the evaluator and path
// helpers the hook path runs on what they produce.  Whatever the input, parse()
// returns a policy or an error naming the file; a policy it accepts compiles to
// a table that valid() accepts, and evaluating it or matching paths against it
// stays in bounds (ASan/UBSan are on).
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "path_text.h"
#include "policy.h"
#include "policy_eval.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace interpose;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto r = policy::parse(text, "fuzz.json");
  // The input, read as a path too: the path helpers must cope with anything.
  hook::path_text::Path p;
  if (hook::path_text::join_normalise("/work", 5, text.data(), std::min<size_t>(size, 2048), &p)) {
    hook::path_text::canonical_proc(&p, 1234, 1235);
    char out[hook::path_text::kMax + 32];
    hook::path_text::physical(p, 1234, out, sizeof out);
    if (p.len > 1) hook::path_text::substitute_link(&p, p.len / 2 + 1, text.data(), std::min<size_t>(size, 64));
  }
  if (!r) {
    if (r.error.message.rfind("fuzz.json", 0) != 0) abort();  // errors name the file
    return 0;
  }
  const auto c = policy::compile(*r.value, policy::Vars{"/work", "/tmp/x", "/usr", "/home/u"});
  if (!c) return 0;
  const auto* h = reinterpret_cast<const policy_table::Header*>(c.value->data());
  if (!policy_table::valid(h, c.value->size())) abort();
  uint64_t args[6] = {0, 1, 0xffffffff, ~0ull, 42, 0x10000};
  for (long nr = -1; nr < 520; nr += 7) policy_table::evaluate(h, nr, args);
  for (const char* path : {"/", "/etc/shadow", "/work/a/b", "/proc/self/environ", "/usr/lib/x.so", static_cast<const char*>(p.buf)}) {
    uint32_t rule;
    policy_table::judge_path(h, path, strlen(path), true, &rule);
    policy_table::judge_path(h, path, strlen(path), false, &rule);
  }
  policy::never_allowed(*r.value);
  return 0;
}
