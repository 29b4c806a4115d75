// syscount: the test suite's ground truth.  Runs a command under ptrace, following
// every process and thread, and counts the syscalls each process makes after its
// runtime announced itself (INTERPOSE_READY_SYSCALL), leaving out those the runtime
// makes on its own behalf (their `syscall` is the internal site the announcement
// names) and adding those it answered without the kernel (it announces each).
// Those are exactly the calls dispatch should have counted.
//
//   syscount [--all | --from-exec] -o COUNTS -- command args...
// COUNTS gets one "name count" line per syscall; the exit status is the command's.
// --all counts every syscall of every process from the first exec on (the ground
// truth for --mode ptrace, which needs no runtime).  --from-exec counts every
// syscall of the command's descendants (not the command itself: the launcher)
// from their exec on, the runtime's own excluded once it announced its gate: the
// ground truth for boot coverage plus dispatch.
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "abi.h"
#include "syscall_names.h"

namespace {

struct Process {
  bool ready = false;      // counting
  uint64_t internal_site = 0;
};

struct Task {
  pid_t tgid = 0;
};

pid_t tgid_of(pid_t tid) {
  std::ifstream f("/proc/" + std::to_string(tid) + "/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("Tgid:", 0) == 0) return static_cast<pid_t>(std::stol(line.substr(5)));
  return tid;
}

}  // namespace

int main(int argc, char** argv) {
  std::string out_path;
  bool all = false, from_exec = false;
  int i = 1;
  for (; i < argc; ++i) {
    if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) out_path = argv[++i];
    else if (strcmp(argv[i], "--all") == 0) all = true;
    else if (strcmp(argv[i], "--from-exec") == 0) from_exec = true;
    else if (strcmp(argv[i], "--") == 0) { ++i; break; }
    else break;
  }
  if (i >= argc || out_path.empty()) {
    fprintf(stderr, "usage: syscount -o COUNTS -- command args...\n");
    return 2;
  }
  const pid_t child = fork();
  if (child == 0) {
    ptrace(PTRACE_TRACEME, 0, nullptr, nullptr);
    raise(SIGSTOP);
    execvp(argv[i], argv + i);
    _exit(127);
  }
  int status;
  waitpid(child, &status, 0);
  ptrace(PTRACE_SETOPTIONS, child, nullptr,
         PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |
             PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL);
  ptrace(PTRACE_SYSCALL, child, nullptr, nullptr);

  std::map<pid_t, Process> procs;  // by tgid
  std::map<pid_t, Task> tasks;     // by tid
  std::set<pid_t> held;            // new tasks waiting for their parent's event
  tasks[child].tgid = child;
  procs[child].ready = all;
  std::map<long, uint64_t> counts;
  int exit_status = 0;

  for (;;) {
    const pid_t tid = waitpid(-1, &status, __WALL);
    if (tid < 0) {
      if (errno == EINTR) continue;
      break;  // ECHILD: everyone is gone
    }
    if (WIFEXITED(status) || WIFSIGNALED(status)) {
      if (tid == child)
        exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      tasks.erase(tid);
      continue;
    }
    if (!WIFSTOPPED(status)) continue;
    if (tasks.find(tid) == tasks.end()) {
      // A new task stopped before its parent's fork/clone event told us whose
      // image it runs: hold it until that event arrives.
      held.insert(tid);
      continue;
    }
    const int sig = WSTOPSIG(status);
    const int event = status >> 16;
    int inject = 0;
    if (sig == (SIGTRAP | 0x80)) {
      __ptrace_syscall_info info;
      if (ptrace(PTRACE_GET_SYSCALL_INFO, tid, sizeof info, &info) > 0 &&
          info.op == PTRACE_SYSCALL_INFO_ENTRY) {
        Process& p = procs[tasks[tid].tgid];
        const long nr = static_cast<long>(info.entry.nr);
        if (nr == INTERPOSE_READY_SYSCALL && info.entry.args[0] == INTERPOSE_READY_MAGIC) {
          p.ready = true;
          p.internal_site = info.entry.args[1];
        } else if (p.ready && nr == INTERPOSE_EMULATED_SYSCALL) {
          ++counts[static_cast<long>(info.entry.args[0])];  // answered by the runtime itself
        } else if (p.ready && info.instruction_pointer - 2 != p.internal_site) {
          ++counts[nr];
        }
      }
    } else if (sig == SIGTRAP && event != 0) {
      unsigned long msg = 0;
      ptrace(PTRACE_GETEVENTMSG, tid, nullptr, &msg);
      if (event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_VFORK || event == PTRACE_EVENT_CLONE) {
        const pid_t new_tid = static_cast<pid_t>(msg);
        const pid_t new_tgid = tgid_of(new_tid);
        tasks[new_tid].tgid = new_tgid;
        if (new_tgid != tasks[tid].tgid) procs[new_tgid] = procs[tasks[tid].tgid];  // same image
        if (held.erase(new_tid) != 0) ptrace(PTRACE_SYSCALL, new_tid, nullptr, nullptr);
      } else if (event == PTRACE_EVENT_EXEC) {
        // A new image: not hooked until its runtime says so.  (A non-leader
        // thread that execs takes over the leader's pid, which is `tid` now.)
        const pid_t tgid = tasks[tid].tgid;
        procs[tgid] = Process{};
        procs[tgid].ready = all || (from_exec && tgid != child);
      }
    } else if (event == PTRACE_EVENT_STOP) {
      // group-stop: nothing to do
    } else if (sig != SIGSTOP) {
      inject = sig;
    } else {
      // The initial SIGSTOP of a new task is ours to swallow; one sent by a
      // process is the program's.
      siginfo_t si;
      if (ptrace(PTRACE_GETSIGINFO, tid, nullptr, &si) == 0 && si.si_code <= 0 && si.si_pid != 0)
        inject = sig;
    }
    ptrace(PTRACE_SYSCALL, tid, nullptr, reinterpret_cast<void*>(static_cast<long>(inject)));
  }

  FILE* f = fopen(out_path.c_str(), "w");
  if (f == nullptr) {
    perror(out_path.c_str());
    return 2;
  }
  for (const auto& [nr, n] : counts) {
    const char* name = interpose::syscall_name(nr);
    if (name != nullptr) fprintf(f, "%s %llu\n", name, static_cast<unsigned long long>(n));
    else fprintf(f, "syscall_%ld %llu\n", nr, static_cast<unsigned long long>(n));
  }
  fclose(f);
  return exit_status;
}
