#include "environment.h"

#include <string.h>
#include <unistd.h>

#include "exec_env.h"
#include "state.h"
#include "text.h"

namespace interpose::runtime {

namespace {

// The program's own LD_PRELOAD entry once the runtime is taken out of it.
char g_their_preload[hook::kMaxPath + sizeof(hook::kPreloadEntry)];

int parse_fd(const char* s, const char** end) {
  *end = s;
  if (*s == '\0') return -1;
  long v = 0;
  for (; *s != '\0' && *s != ','; ++s, *end = s) {
    if (*s < '0' || *s > '9' || v > 1 << 24) return -1;
    v = v * 10 + (*s - '0');
  }
  return static_cast<int>(v);
}

void remove_entry(char** env) {
  for (char** e = env; *e != nullptr; ++e) e[0] = e[1];
}

}  // namespace

LaunchEnv take_launch_env(const char* runtime_path) {
  LaunchEnv out;
  if (environ == nullptr) return out;
  const size_t var_len = sizeof(hook::kArenaFdVar) - 1;
  const size_t pre_len = sizeof(hook::kPreloadEntry) - 1;
  const size_t rt_len = strlen(runtime_path);
  for (char** e = environ; *e != nullptr;) {
    if (strncmp(*e, hook::kArenaFdVar, var_len) == 0 && (*e)[var_len] == '=') {
      const char* rest;
      out.arena_fd = parse_fd(*e + var_len + 1, &rest);
      if (out.arena_fd >= 0 && *rest == ',') out.event_fd = parse_fd(rest + 1, &rest);
      remove_entry(e);
      continue;
    }
    if (strncmp(*e, hook::kPreloadEntry, pre_len) == 0 && rt_len > 0 &&
        strncmp(*e + pre_len, runtime_path, rt_len) == 0) {
      const char* rest = *e + pre_len + rt_len;
      if (*rest == '\0') {
        remove_entry(e);
        continue;
      }
      if ((*rest == ':' || *rest == ' ') && strlen(rest + 1) < hook::kMaxPath) {
        memcpy(g_their_preload, hook::kPreloadEntry, pre_len);
        memcpy(g_their_preload + pre_len, rest + 1, strlen(rest + 1) + 1);
        *e = g_their_preload;
      }
    }
    ++e;
  }
  return out;
}

}  // namespace interpose::runtime
