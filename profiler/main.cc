// interpose-profile: record which syscall sites a program uses, merge profiles,
// show them.
//
//   interpose-profile -o app.prof [--append] [--verbose] -- PROGRAM [ARGS...]
//   interpose-profile merge A.prof B.prof... -o OUT.prof
//   interpose-profile show APP.prof [--top N]
#include <sys/random.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "elf_file.h"
#include "exit_codes.h"
#include "launcher.h"
#include "modes.h"
#include "profile.h"
#include "program.h"
#include "recorded.h"
#include "syscall_names.h"

#ifndef INTERPOSE_VERSION
#define INTERPOSE_VERSION "0.0.0"
#endif

namespace interpose::profiler {
namespace {

using loader::kExitUsage;

std::string find_runtime(std::string* error) {
  if (const char* env = getenv("INTERPOSE_RUNTIME"); env != nullptr && *env != '\0') return env;
  char self[4096];
  const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) {
    *error = "cannot find interpose-profile's own path";
    return "";
  }
  self[n] = '\0';
  std::string dir(self);
  dir = dir.substr(0, dir.rfind('/'));
  const std::string lib = dir.substr(0, dir.rfind('/')) + "/lib/libinterpose.so";
  if (access(lib.c_str(), R_OK) != 0) {
    *error = "runtime library not found at " + lib;
    return "";
  }
  return lib;
}

int record(int argc, char** argv) {
  CLI::App app{"Record which syscall sites PROGRAM uses, and how often.", "interpose-profile"};
  std::string out;
  bool append = false, verbose = false;
  app.add_option("-o,--output", out, "The profile to write")->required();
  app.add_flag("--append", append, "Add to the profile in --output instead of replacing it");
  app.add_flag("-v,--verbose", verbose, "Say what the runtime does");
  app.set_version_flag("-V,--version", std::string("interpose-profile ") + INTERPOSE_VERSION);
  app.footer(
      "Other forms:\n"
      "  interpose-profile merge A.prof B.prof... -o OUT.prof\n"
      "  interpose-profile show APP.prof [--top N]\n"
      "Every syscall of the program and everything it starts is caught (through Syscall User\n"
      "Dispatch) at its own site; the profile lists, per module (path and GNU build-id) and\n"
      "file offset, the hits and the syscall numbers seen.  `interpose --profile` then rewrites\n"
      "exactly those sites.");
  app.prefix_command();
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }
  std::vector<std::string> command = app.remaining();
  if (!command.empty() && command.front() == "--") command.erase(command.begin());
  if (command.empty()) {
    std::fprintf(stderr, "interpose-profile: no program given (usage: interpose-profile -o FILE -- PROGRAM [ARGS...])\n");
    return kExitUsage;
  }
  profile::Profile before;
  if (append && access(out.c_str(), F_OK) == 0) {
    auto loaded = profile::load(out);
    if (!loaded) {
      std::fprintf(stderr, "interpose-profile: %s\n", loaded.error.message.c_str());
      return kExitUsage;
    }
    before = std::move(*loaded.value);
  }
  const loader::ProgramCheck prog = loader::check_program(command.front());
  if (prog.exit_code != 0) {
    std::fprintf(stderr, "interpose-profile: %s\n", prog.error.c_str());
    return prog.exit_code;
  }
  const loader::MachineFacts facts = loader::probe_machine();
  if (!facts.sud) {
    std::fprintf(stderr, "interpose-profile: recording needs Syscall User Dispatch (Linux >= 5.11), which this kernel lacks\n");
    return loader::kExitNoSud;
  }
  std::string error;
  const std::string runtime = find_runtime(&error);
  if (runtime.empty()) {
    std::fprintf(stderr, "interpose-profile: %s\n", error.c_str());
    return loader::kExitRuntimeMissing;
  }
  loader::LaunchOptions o;
  o.program = prog.path;
  o.argv = command;
  o.runtime = runtime;
  o.verbose = verbose;
  o.config.mode = arena::kModeSud;
  o.config.flags = arena::kFlagSudAvailable | arena::kFlagProfile | (verbose ? uint32_t{arena::kFlagVerbose} : 0u);
  uint16_t r = 0;
  if (getrandom(&r, sizeof r, 0) != sizeof r) r = static_cast<uint16_t>(getpid());
  o.config.gate_page = arena::kDefaultGatePage + (uint64_t{r} << 21);
  std::optional<profile::Error> save_error;
  size_t sites = 0;
  uint64_t hits = 0, anonymous = 0;
  o.at_exit = [&](arena::Header& h) {
    profile::Profile recorded = profile::from_arena(h);
    sites = recorded.site_count();
    hits = recorded.total_hits();
    anonymous = recorded.anonymous();
    before.merge(recorded);
    save_error = profile::save(before, out);
  };
  const int status = loader::launch(o);
  if (save_error) {
    std::fprintf(stderr, "interpose-profile: %s\n", save_error->message.c_str());
    return kExitUsage;
  }
  std::fprintf(stderr, "interpose-profile: %s: %zu sites, %llu hits recorded%s (%zu sites in the profile)", out.c_str(),
               sites, static_cast<unsigned long long>(hits), append ? " and added" : "", before.site_count());
  if (anonymous != 0)
    std::fprintf(stderr, "; %llu hits from code no file backs (JIT) not recorded", static_cast<unsigned long long>(anonymous));
  std::fprintf(stderr, "\n");
  return status;
}

int merge(int argc, char** argv) {
  CLI::App app{"Merge profiles: the hits of every site added up.", "interpose-profile merge"};
  std::vector<std::string> inputs;
  std::string out;
  app.add_option("profiles", inputs, "Profiles to merge")->required();
  app.add_option("-o,--output", out, "Where to write the merged profile")->required();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return e.get_exit_code() == 0 ? 0 : kExitUsage;
  }
  profile::Profile merged;
  for (const std::string& in : inputs) {
    auto p = profile::load(in);
    if (!p) {
      std::fprintf(stderr, "interpose-profile: %s\n", p.error.message.c_str());
      return kExitUsage;
    }
    merged.merge(*p.value);
  }
  if (auto e = profile::save(merged, out)) {
    std::fprintf(stderr, "interpose-profile: %s\n", e->message.c_str());
    return kExitUsage;
  }
  return 0;
}

int show(int argc, char** argv) {
  CLI::App app{"List a profile's hottest sites, with the function they are in where the module has symbols.",
               "interpose-profile show"};
  std::string in;
  size_t top = 30;
  app.add_option("profile", in, "The profile")->required();
  app.add_option("--top", top, "How many sites (default 30; 0: all)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return e.get_exit_code() == 0 ? 0 : kExitUsage;
  }
  auto loaded = profile::load(in);
  if (!loaded) {
    std::fprintf(stderr, "interpose-profile: %s\n", loaded.error.message.c_str());
    return kExitUsage;
  }
  const profile::Profile& p = *loaded.value;
  struct Row {
    uint64_t hits;
    const profile::Module* module;
    uint64_t offset;
    const profile::Site* site;
  };
  std::vector<Row> rows;
  for (const auto& [m, sites] : p.modules())
    for (const auto& [off, s] : sites) rows.push_back(Row{s.hits, &m, off, &s});
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.hits > b.hits; });
  if (top != 0 && rows.size() > top) rows.resize(top);
  std::map<std::string, std::unique_ptr<rewriter::ElfFile>> files;  // symbols, by module path
  const uint64_t total = p.total_hits();
  std::printf("%s: %zu sites in %zu modules, %llu hits", in.c_str(), p.site_count(), p.modules().size(),
              static_cast<unsigned long long>(total));
  if (p.anonymous() != 0) std::printf(" (+%llu in code no file backs)", static_cast<unsigned long long>(p.anonymous()));
  std::printf("\n%12s %6s  %-40s %s\n", "hits", "share", "site", "syscalls");
  for (const Row& r : rows) {
    std::string where = r.module->path;
    char off[32];
    std::snprintf(off, sizeof off, "+%#llx", static_cast<unsigned long long>(r.offset));
    where += off;
    auto& elf = files[r.module->path];
    if (!elf) {
      elf = std::make_unique<rewriter::ElfFile>();
      std::string err;
      if (!elf->load(r.module->path, &err) || elf->build_id() != r.module->build_id) elf.reset(new rewriter::ElfFile());
    }
    const int64_t vaddr = elf->vaddr_of(r.offset);
    if (vaddr >= 0) {
      if (const rewriter::ElfSymbol* sym = elf->symbol_at(static_cast<uint64_t>(vaddr))) {
        char rel[32];
        std::snprintf(rel, sizeof rel, "+%#llx", static_cast<unsigned long long>(static_cast<uint64_t>(vaddr) - sym->value));
        where += " <" + sym->name + rel + ">";
      }
    }
    std::string calls;
    for (const auto& [nr, n] : r.site->syscalls) {
      const char* name = syscall_name(nr);
      calls += (calls.empty() ? "" : " ") + std::string(name != nullptr ? name : "?") + ":" + std::to_string(n);
    }
    if (r.site->other != 0) calls += " other:" + std::to_string(r.site->other);
    std::printf("%12llu %5.1f%%  %-40s %s\n", static_cast<unsigned long long>(r.hits),
                total == 0 ? 0.0 : 100.0 * static_cast<double>(r.hits) / static_cast<double>(total), where.c_str(),
                calls.c_str());
  }
  return 0;
}

}  // namespace
}  // namespace interpose::profiler

int main(int argc, char** argv) {
  using namespace interpose::profiler;
  if (argc > 1 && std::string(argv[1]) == "merge") return merge(argc - 1, argv + 1);
  if (argc > 1 && std::string(argv[1]) == "show") return show(argc - 1, argv + 1);
  return record(argc, argv);
}
