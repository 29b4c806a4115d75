#include "harness.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include <gtest/gtest.h>

extern char** environ;

namespace interpose::test {

namespace {

double now() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

}  // namespace

RunResult run(const std::vector<std::string>& argv, const RunOptions& o) {
  int in[2], out[2], err[2];
  if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC)) throw std::runtime_error("pipe");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err[1], 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);

  std::vector<std::string> env;
  if (!o.clear_env)
    for (char** e = environ; *e != nullptr; ++e) env.push_back(*e);
  for (const auto& e : o.env) env.push_back(e);
  std::vector<char*> envp, args;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<std::string> a = argv;
  for (auto& s : a) args.push_back(s.data());
  args.push_back(nullptr);
  pid_t pid;
  const int rc = posix_spawnp(&pid, args[0], &fa, &attr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  close(in[0]);
  close(out[1]);
  close(err[1]);
  RunResult r;
  if (rc != 0) {
    close(in[1]);
    close(out[0]);
    close(err[0]);
    r.status = 127;
    r.err = std::string("spawn failed: ") + strerror(rc);
    return r;
  }
  size_t written = 0;
  if (o.input.empty()) close(in[1]);
  const double deadline = now() + o.timeout_seconds;
  bool out_open = true, err_open = true, in_open = !o.input.empty();
  while (out_open || err_open) {
    pollfd fds[3] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}, {in[1], POLLOUT, 0}};
    const int n = poll(fds, in_open ? 3 : 2, 1000);
    if (now() > deadline) {
      kill(-pid, SIGKILL);
      r.err += "\n[harness: timed out]";
      break;
    }
    if (n <= 0) continue;
    char buf[65536];
    for (int i = 0; i < 2; ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t got = read(fds[i].fd, buf, sizeof buf);
      if (got <= 0) {
        (i == 0 ? out_open : err_open) = false;
        fds[i].fd = -1;
      } else {
        (i == 0 ? r.out : r.err).append(buf, static_cast<size_t>(got));
      }
    }
    if (in_open && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
      const ssize_t w = write(in[1], o.input.data() + written, o.input.size() - written);
      if (w > 0) written += static_cast<size_t>(w);
      if (w <= 0 || written == o.input.size()) {
        close(in[1]);
        in_open = false;
      }
    }
    if (!out_open) close(out[0]), out[0] = -1;
    if (!err_open) close(err[0]), err[0] = -1;
    if (!out_open && !err_open) break;
  }
  if (in_open) close(in[1]);
  if (out[0] >= 0) close(out[0]);
  if (err[0] >= 0) close(err[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

std::string interpose_bin() { return INTERPOSE_BIN; }
std::string program(const std::string& name) { return std::string(TEST_PROGRAMS_DIR) + "/" + name; }

std::string temp_path(const std::string& name) {
  static std::string dir;
  if (dir.empty()) {
    char tmpl[] = "/tmp/interpose-test-XXXXXX";
    const char* d = mkdtemp(tmpl);
    if (d == nullptr) throw std::runtime_error("mkdtemp");
    chmod(d, 0777);
    dir = d;
  }
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string prefix = info != nullptr ? std::string(info->test_suite_name()) + "." + info->name() + "." : "";
  for (char& c : prefix)
    if (c == '/') c = '_';
  return dir + "/" + prefix + name;
}

std::string read_file(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

Interposed parse_stats(const std::string& text) {
  Interposed r;
  r.stats_text = text;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string first, second;
    if (line.rfind("interpose:", 0) == 0) {
      const auto p = line.find(" process image(s) ran the runtime");
      if (p != std::string::npos) {
        r.runtimes = std::stoull(line.substr(11, p - 11));
        const auto q = line.find("; ", p);
        if (q != std::string::npos) r.sites_rewritten = std::stoull(line.substr(q + 2));
      }
      continue;
    }
    if (!(ls >> first >> second)) continue;
    if (first.empty() || !isdigit(static_cast<unsigned char>(first[0]))) continue;
    const uint64_t n = std::stoull(first);
    if (second == "total") {
      r.total = n;
      auto field = [&](const char* key) -> uint64_t {
        const auto p = line.find(key);
        return p == std::string::npos ? 0 : std::stoull(line.substr(p + strlen(key)));
      };
      r.rewritten = field("rewritten sites ");
      r.sud = field("SUD ");
      r.ptraced = field("ptrace ");
      r.boot = field("boot ");
    } else {
      r.calls[second] = n;
    }
  }
  return r;
}

Interposed run_interposed(const std::vector<std::string>& argv, const std::vector<std::string>& options,
                          const RunOptions& run_options) {
  const std::string stats = temp_path("stats-" + std::to_string(getpid()) + "-" + std::to_string(rand()));
  std::vector<std::string> cmd = {interpose_bin(), "--stats=" + stats};
  cmd.insert(cmd.end(), options.begin(), options.end());
  cmd.push_back("--");
  cmd.insert(cmd.end(), argv.begin(), argv.end());
  const RunResult result = run(cmd, run_options);
  Interposed r = parse_stats(read_file(stats));
  r.result = result;
  unlink(stats.c_str());
  return r;
}

const std::vector<std::string>& all_modes() {
  static const std::vector<std::string> modes = {"auto", "zpoline", "lazypoline", "k23", "sud", "ptrace"};
  return modes;
}

std::vector<std::string> mode_options(const std::string& mode) {
  if (mode == "auto") return {};
  return {"--mode", mode};
}

}  // namespace interpose::test
