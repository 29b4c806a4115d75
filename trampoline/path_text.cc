#include "path_text.h"

namespace interpose::hook::path_text {

namespace {

bool equals(const char* s, size_t n, const char* lit) {
  size_t i = 0;
  for (; i < n; ++i)
    if (lit[i] == '\0' || lit[i] != s[i]) return false;
  return lit[i] == '\0';
}

// Appends the components of s[0, n) to out, normalising.
bool append_components(const char* s, size_t n, Path* out) {
  size_t i = 0;
  while (i < n) {
    while (i < n && s[i] == '/') ++i;
    size_t j = i;
    while (j < n && s[j] != '/') ++j;
    const size_t clen = j - i;
    if (clen == 0 || (clen == 1 && s[i] == '.')) {
      i = j;
      continue;
    }
    if (clen == 2 && s[i] == '.' && s[i + 1] == '.') {
      while (out->len > 0 && out->buf[out->len - 1] != '/') --out->len;
      if (out->len > 0) --out->len;  // the '/' before it
      i = j;
      continue;
    }
    if (out->len + 1 + clen >= kMax) return false;
    out->buf[out->len++] = '/';
    for (size_t k = 0; k < clen; ++k) out->buf[out->len++] = s[i + k];
    i = j;
  }
  return true;
}

}  // namespace

size_t put_dec(char* out, long v) {
  char tmp[24];
  size_t n = 0;
  unsigned long u = static_cast<unsigned long>(v);
  do {
    tmp[n++] = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u != 0);
  for (size_t i = 0; i < n; ++i) out[i] = tmp[n - 1 - i];
  return n;
}

long parse_number(const char* s, size_t n) {
  if (n == 0 || n > 10) return -1;
  long v = 0;
  for (size_t i = 0; i < n; ++i) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

bool join_normalise(const char* base, size_t base_len, const char* rel, size_t rel_len, Path* out) {
  out->len = 0;
  out->trailing_slash = rel_len > 0 && rel[rel_len - 1] == '/';
  if (rel_len == 0 || rel[0] != '/') {
    if (!append_components(base, base_len, out)) return false;
  }
  if (!append_components(rel, rel_len, out)) return false;
  if (out->len == 0) out->buf[out->len++] = '/';
  out->buf[out->len] = '\0';
  return true;
}

void canonical_proc(Path* p, long pid, long tid) {
  if (p->len < 6 || !equals(p->buf, 5, "/proc") || p->buf[5] != '/') return;
  size_t b = 6, e = 6;
  while (e < p->len && p->buf[e] != '/') ++e;
  const char* c = p->buf + b;
  const size_t clen = e - b;
  char head[48];
  size_t hlen = 0;
  const char self[] = "/proc/self";
  for (size_t i = 0; i < sizeof self - 1; ++i) head[hlen++] = self[i];
  if (equals(c, clen, "thread-self") || (parse_number(c, clen) == tid && tid != pid)) {
    const char task[] = "/task/";
    for (size_t i = 0; i < sizeof task - 1; ++i) head[hlen++] = task[i];
    hlen += put_dec(head + hlen, tid);
  } else if (parse_number(c, clen) != pid) {
    return;
  }
  // head replaces p->buf[0, e).
  const size_t rest = p->len - e;
  if (hlen + rest >= kMax) return;
  if (hlen > e) {
    for (size_t i = rest; i > 0; --i) p->buf[hlen + i - 1] = p->buf[e + i - 1];
  } else {
    for (size_t i = 0; i < rest; ++i) p->buf[hlen + i] = p->buf[e + i];
  }
  for (size_t i = 0; i < hlen; ++i) p->buf[i] = head[i];
  p->len = hlen + rest;
  p->buf[p->len] = '\0';
}

bool physical(const Path& p, long pid, char* out, size_t out_size) {
  size_t n = 0;
  size_t from = 0;
  if (p.len >= 10 && equals(p.buf, 10, "/proc/self") && (p.len == 10 || p.buf[10] == '/')) {
    const char proc[] = "/proc/";
    for (size_t i = 0; i < sizeof proc - 1; ++i) out[n++] = proc[i];
    n += put_dec(out + n, pid);
    from = 10;
  }
  if (n + (p.len - from) + 2 > out_size) return false;
  for (size_t i = from; i < p.len; ++i) out[n++] = p.buf[i];
  if (p.trailing_slash && !(n == 1 && out[0] == '/')) out[n++] = '/';
  out[n] = '\0';
  return true;
}

void split_last(const char* path, size_t len, size_t* parent_len, size_t* last_begin) {
  while (len > 1 && path[len - 1] == '/') --len;
  size_t i = len;
  while (i > 0 && path[i - 1] != '/') --i;
  *last_begin = i;
  *parent_len = i <= 1 ? 1 : i - 1;
}

bool substitute_link(Path* p, size_t prefix_len, const char* target, size_t target_len) {
  char rest[kMax];
  const size_t rest_len = p->len - prefix_len;
  for (size_t i = 0; i < rest_len; ++i) rest[i] = p->buf[prefix_len + i];
  size_t parent_len, last_begin;
  split_last(p->buf, prefix_len, &parent_len, &last_begin);
  const bool trailing = p->trailing_slash;
  Path tmp;
  if (!join_normalise(p->buf, parent_len, target, target_len, &tmp)) return false;
  if (!append_components(rest, rest_len, &tmp)) return false;
  if (tmp.len == 0) tmp.buf[tmp.len++] = '/';
  tmp.buf[tmp.len] = '\0';
  for (size_t i = 0; i <= tmp.len; ++i) p->buf[i] = tmp.buf[i];
  p->len = tmp.len;
  p->trailing_slash = trailing;
  return true;
}

long proc_self_fd(const char* path, size_t len) {
  if (len < 15 || !equals(path, 11, "/proc/self/")) return -1;
  size_t i = 11;
  if (len > i + 5 && equals(path + i, 5, "task/")) {
    i += 5;
    while (i < len && path[i] != '/') ++i;
    if (i >= len) return -1;
    ++i;
  }
  if (len < i + 4 || !equals(path + i, 3, "fd/")) return -1;
  i += 3;
  return parse_number(path + i, len - i);
}

}  // namespace interpose::hook::path_text
