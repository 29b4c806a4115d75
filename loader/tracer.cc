#include "tracer.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

namespace interpose::loader {

namespace {

constexpr long kOptions = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
                          PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL;

bool is_stop_signal(int sig) { return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU; }

void count(arena::Header* a, long nr) {
  if (nr >= 0 && static_cast<size_t>(nr) < arena::kCountedSyscalls)
    a->retired[nr].fetch_add(1, std::memory_order_relaxed);
  else
    a->retired_other.fetch_add(1, std::memory_order_relaxed);
  a->retired_paths[arena::kPathPtrace].fetch_add(1, std::memory_order_relaxed);
}

}  // namespace

void become_tracee() { raise(SIGSTOP); }

int trace_until_exit(pid_t child, arena::Header* arena) {
  int status;
  if (waitpid(child, &status, WSTOPPED) != child || !WIFSTOPPED(status)) return -1;
  if (ptrace(PTRACE_SEIZE, child, nullptr, reinterpret_cast<void*>(kOptions)) != 0) {
    std::fprintf(stderr, "interpose: cannot trace the program: %s\n", strerror(errno));
    kill(child, SIGKILL);
    waitpid(child, &status, 0);
    return -1;
  }
  kill(child, SIGCONT);  // leave the stop it put itself in
  int child_status = -1;
  for (;;) {
    const pid_t tid = waitpid(-1, &status, __WALL);
    if (tid < 0) {
      if (errno == EINTR) continue;
      break;  // ECHILD: every tracee is gone
    }
    if (WIFEXITED(status) || WIFSIGNALED(status)) {
      if (tid == child) child_status = status;
      continue;
    }
    if (!WIFSTOPPED(status)) continue;
    const int sig = WSTOPSIG(status);
    const int event = status >> 16;
    long inject = 0;
    if (sig == (SIGTRAP | 0x80)) {
      __ptrace_syscall_info info;
      if (ptrace(PTRACE_GET_SYSCALL_INFO, tid, sizeof info, &info) > 0 && info.op == PTRACE_SYSCALL_INFO_ENTRY)
        count(arena, static_cast<long>(info.entry.nr));
    } else if (event == PTRACE_EVENT_STOP) {
      if (is_stop_signal(sig)) {  // group-stop: stay stopped until SIGCONT
        ptrace(PTRACE_LISTEN, tid, nullptr, nullptr);
        continue;
      }
    } else if (event != 0) {
      // fork/vfork/clone/exec events: new tasks are attached automatically.
    } else {
      inject = sig;  // a signal for the program
    }
    ptrace(PTRACE_SYSCALL, tid, nullptr, reinterpret_cast<void*>(inject));
  }
  return child_status;
}

}  // namespace interpose::loader
