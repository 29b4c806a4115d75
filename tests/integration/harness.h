// Running real programs natively and under interpose, and reading what --stats
// reported.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace interpose::test {

struct RunResult {
  int status = -1;       // exit status, or 128+N for death by signal N (as a shell)
  std::string out;
  std::string err;
};

struct RunOptions {
  std::string input;                      // fed to stdin
  std::vector<std::string> env;           // extra KEY=VALUE entries
  bool clear_env = false;                 // start from an empty environment
  int timeout_seconds = 120;
};

RunResult run(const std::vector<std::string>& argv, const RunOptions& options = {});

// The interpose launcher and the test programs, as built.
std::string interpose_bin();
std::string program(const std::string& name);

// A fresh path in a per-test temporary directory.
std::string temp_path(const std::string& name);

// `interpose --stats=FILE [extra] -- argv...`, and the stats it wrote.
struct Interposed {
  RunResult result;
  std::map<std::string, uint64_t> calls;  // per syscall name
  uint64_t total = 0;
  uint64_t rewritten = 0;                 // calls that took the rewritten path
  uint64_t sud = 0;                       // ... Syscall User Dispatch
  uint64_t ptraced = 0;                   // ... the launcher's tracer
  uint64_t boot = 0;                      // ... before a runtime: the launcher's seccomp filter
  uint64_t sites_rewritten = 0;           // sites rewritten, at load or lazily
  uint64_t runtimes = 0;                  // process images that ran the runtime
  std::string stats_text;
};
Interposed run_interposed(const std::vector<std::string>& argv, const std::vector<std::string>& options = {},
                          const RunOptions& run_options = {});

// Parses the --stats report.
Interposed parse_stats(const std::string& text);

std::string read_file(const std::string& path);

// Every mode the CLI accepts, and the options selecting one.
const std::vector<std::string>& all_modes();
std::vector<std::string> mode_options(const std::string& mode);

}  // namespace interpose::test
