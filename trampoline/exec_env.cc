#include "exec_env.h"

#include <asm/unistd_64.h>
#include <linux/mman.h>

#include "exec_check.h"
#include "state.h"
#include "sys.h"
#include "text.h"

namespace interpose::hook {

long run_exec_with_runtime(interpose_frame* f) {
  const ExecTarget target = classify_exec(f);
  if (target == ExecTarget::kStatic || target == ExecTarget::kForeign) {
    Text t;
    t.str("interpose: refusing to exec ");
    const uint64_t path = f->nr == __NR_execve ? f->call_args[0] : f->call_args[1];
    if (path != 0) t.str(reinterpret_cast<const char*>(path));
    t.str(target == ExecTarget::kStatic ? ": statically linked" : ": not an x86-64 program");
    t.str(", the runtime cannot follow it (run the whole program with --mode ptrace)\n");
    t.write_to(2);
    return -EACCES;
  }
  const int env_arg = f->nr == __NR_execve ? 2 : 3;
  const auto* envp = reinterpret_cast<const char* const*>(f->call_args[env_arg]);
  const int fd = __atomic_load_n(&g_state.arena_fd, __ATOMIC_RELAXED);
  const int event_fd = __atomic_load_n(&g_state.event_fd, __ATOMIC_RELAXED);

  // Usually the stack is room enough (this may be a vfork child on its parent's
  // stack, where a mapping would outlive the exec in the parent).
  constexpr size_t kSlots = 512;
  constexpr size_t kBytes = 2 * kMaxPath + 1024;
  const char* slots[kSlots];
  char bytes[kBytes];
  const char** out = slots;
  char* buf = bytes;
  size_t map_size = 0;
  if (!build_exec_env(envp, g_state.runtime_path, fd, event_fd, slots, kSlots, bytes, kBytes)) {
    size_t count = 0, total = 0;
    for (const char* const* e = envp; e != nullptr && *e != nullptr; ++e, ++count)
      if (starts_with(*e, kPreloadEntry)) total += c_strlen(*e);
    map_size = (count + 3) * sizeof(char*) + total + kBytes;
    const long m = sys::mmap(nullptr, map_size, PROT_READ | PROT_WRITE,
                             MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (sys::failed(m)) return m;
    out = reinterpret_cast<const char**>(m);
    buf = reinterpret_cast<char*>(m) + (count + 3) * sizeof(char*);
    if (!build_exec_env(envp, g_state.runtime_path, fd, event_fd, out, count + 3, buf,
                        map_size - (count + 3) * sizeof(char*))) {
      sys::munmap(reinterpret_cast<void*>(m), map_size);
      return -E2BIG;
    }
  }
  long a[6];
  for (int i = 0; i < 6; ++i) a[i] = static_cast<long>(f->call_args[i]);
  a[env_arg] = reinterpret_cast<long>(out);
  const long r =
      g_app_syscall(static_cast<long>(f->call_nr), a[0], a[1], a[2], a[3], a[4], a[5]);
  if (map_size != 0) sys::munmap(out, map_size);
  return r;
}

}  // namespace interpose::hook
