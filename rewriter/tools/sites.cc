// interpose-sites: what the rewriter would do with each syscall site of ELF files.
//
//   interpose-sites [--all] FILE...
// prints, per candidate: the file virtual address, the verdict, and the function.
#include <cstdio>
#include <cstring>
#include <map>
#include <string>

#include "elf_file.h"

using namespace interpose::rewriter;

namespace {

struct Out {
  const ElfFile* elf;
  bool all;
  std::map<std::string, int> totals;
};

void print(void* ctx, uint64_t addr, Verdict v, int) {
  auto* o = static_cast<Out*>(ctx);
  const uint64_t vaddr = addr - o->elf->bias();
  o->totals[verdict_name(v)]++;
  if (!o->all && v == Verdict::kRewrite) return;
  const ElfSymbol* s = o->elf->symbol_at(vaddr);
  std::printf("%#10llx  %-18s %s", static_cast<unsigned long long>(vaddr), verdict_name(v),
              s != nullptr ? s->name.c_str() : "?");
  if (s != nullptr) std::printf("+%#llx", static_cast<unsigned long long>(vaddr - s->value));
  std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
  bool all = false;
  int first = 1;
  if (argc > 1 && std::strcmp(argv[1], "--all") == 0) {
    all = true;
    first = 2;
  }
  if (first >= argc) {
    std::fprintf(stderr, "usage: interpose-sites [--all] FILE...\n"
                         "Lists the syscall sites the rewriter leaves alone (--all: every site) and why.\n");
    return 2;
  }
  int status = 0;
  for (int i = first; i < argc; ++i) {
    ElfFile elf;
    std::string error;
    if (!elf.load(argv[i], &error)) {
      std::fprintf(stderr, "interpose-sites: %s\n", error.c_str());
      status = 1;
      continue;
    }
    std::printf("%s (build-id %s)\n", argv[i], elf.build_id().empty() ? "none" : elf.build_id().c_str());
    Out out{&elf, all, {}};
    scan_module(elf.image(), print, &out);
    std::printf("  totals:");
    for (const auto& [k, n] : out.totals) std::printf(" %s %d", k.c_str(), n);
    std::printf("\n");
  }
  return status;
}
