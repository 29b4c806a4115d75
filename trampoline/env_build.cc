#include "exec_env.h"

#include "text.h"

namespace interpose::hook {

namespace {


// Appends s to buf at *pos; false if it does not fit.
bool put(char* buf, size_t size, size_t* pos, const char* s) {
  const size_t n = c_strlen(s);
  if (*pos + n >= size) return false;
  for (size_t i = 0; i < n; ++i) buf[(*pos)++] = s[i];
  return true;
}

bool put_dec(char* buf, size_t size, size_t* pos, unsigned v) {
  char tmp[12];
  size_t n = 0;
  do {
    tmp[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  if (*pos + n >= size) return false;
  while (n > 0) buf[(*pos)++] = tmp[--n];
  return true;
}

// Whether the LD_PRELOAD value already starts with the runtime.
bool preload_has_runtime(const char* value, const char* runtime) {
  if (!starts_with(value, runtime)) return false;
  const char after = value[c_strlen(runtime)];
  return after == '\0' || after == ':' || after == ' ';
}

}  // namespace

bool build_exec_env(const char* const* envp, const char* runtime_path, int arena_fd, int event_fd,
                    const char** out, size_t out_slots, char* buf, size_t bufsize) {
  // LD_PRELOAD keeps its place (a program printing its environment sees the
  // order it would natively); the runtime goes in front of the program's own
  // list, and "<runtime>:" with nothing after it stands for a set-but-empty one.
  size_t n = 0, pos = 0;
  bool have_preload = false;
  if (envp != nullptr) {
    for (const char* const* e = envp; *e != nullptr; ++e) {
      if (starts_with(*e, kArenaFdVar) && (*e)[sizeof(kArenaFdVar) - 1] == '=') continue;
      if (n + 3 > out_slots) return false;
      if (!have_preload && starts_with(*e, kPreloadEntry)) {
        have_preload = true;
        const char* theirs = *e + sizeof(kPreloadEntry) - 1;
        if (preload_has_runtime(theirs, runtime_path)) {
          out[n++] = *e;
          continue;
        }
        const char* entry = buf + pos;
        if (!put(buf, bufsize, &pos, kPreloadEntry) || !put(buf, bufsize, &pos, runtime_path) ||
            !put(buf, bufsize, &pos, ":") || !put(buf, bufsize, &pos, theirs))
          return false;
        buf[pos++] = '\0';
        out[n++] = entry;
        continue;
      }
      out[n++] = *e;
    }
  }
  if (n + 3 > out_slots) return false;
  if (!have_preload) {
    const char* entry = buf + pos;
    if (!put(buf, bufsize, &pos, kPreloadEntry) || !put(buf, bufsize, &pos, runtime_path)) return false;
    buf[pos++] = '\0';
    out[n++] = entry;
  }
  if (arena_fd >= 0) {
    const char* entry = buf + pos;
    if (!put(buf, bufsize, &pos, kArenaFdVar) || !put(buf, bufsize, &pos, "=") ||
        !put_dec(buf, bufsize, &pos, static_cast<unsigned>(arena_fd)))
      return false;
    if (event_fd >= 0 && (!put(buf, bufsize, &pos, ",") || !put_dec(buf, bufsize, &pos, static_cast<unsigned>(event_fd))))
      return false;
    buf[pos++] = '\0';
    out[n++] = entry;
  }
  out[n] = nullptr;
  return true;
}

}  // namespace interpose::hook
