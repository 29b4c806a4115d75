#include "policy_eval.h"

namespace interpose::policy_table {

bool valid(const Header* h, uint64_t size) {
  if (size < sizeof(Header) || h->magic != kMagic || h->version != kVersion || h->total_size != size) return false;
  auto inside = [&](uint64_t off, uint64_t count, uint64_t each) {
    return off <= size && count <= (size - off) / (each == 0 ? 1 : each);
  };
  if (!inside(h->entries_offset, kSyscalls, sizeof(Entry)) || !inside(h->rules_offset, h->rule_count, sizeof(Rule)) ||
      !inside(h->conds_offset, h->cond_count, sizeof(Condition)) ||
      !inside(h->paths_offset, h->path_rule_count, sizeof(PathRule)) || !inside(h->strings_offset, h->strings_size, 1))
    return false;
  if (h->strings_size == 0 || reinterpret_cast<const char*>(h)[h->strings_offset + h->strings_size - 1] != '\0')
    return false;
  const Entry* e = entries(h);
  for (uint32_t i = 0; i < kSyscalls; ++i)
    if (e[i].rule_begin > h->rule_count || e[i].rule_count > h->rule_count - e[i].rule_begin) return false;
  const Rule* r = rules(h);
  for (uint32_t i = 0; i < h->rule_count; ++i)
    if (r[i].cond_begin > h->cond_count || r[i].cond_count > h->cond_count - r[i].cond_begin) return false;
  const Condition* c = conditions(h);
  for (uint32_t i = 0; i < h->cond_count; ++i)
    if (c[i].arg > 5 || c[i].op < kNe || c[i].op > kMaskedEq) return false;
  return true;
}

namespace {

bool holds(const Condition& c, const uint64_t args[6]) {
  const uint64_t a = args[c.arg];
  switch (c.op) {
    case kNe: return a != c.value;
    case kLt: return a < c.value;
    case kLe: return a <= c.value;
    case kEq: return a == c.value;
    case kGe: return a >= c.value;
    case kGt: return a > c.value;
    case kMaskedEq: return (a & c.value_two) == c.value;
  }
  return false;
}

}  // namespace

Verdict evaluate(const Header* h, long nr, const uint64_t args[6]) {
  if (nr >= 0 && static_cast<uint64_t>(nr) < kSyscalls) {
    const Entry& e = entries(h)[nr];
    const Rule* r = rules(h) + e.rule_begin;
    const Condition* conds = conditions(h);
    for (uint32_t i = 0; i < e.rule_count; ++i) {
      bool all = true;
      for (uint32_t k = 0; k < r[i].cond_count && all; ++k) all = holds(conds[r[i].cond_begin + k], args);
      if (all) return Verdict{r[i].action, r[i].flags, r[i].errno_value, r[i].name, e.flags};
    }
    return Verdict{h->default_action, h->default_flags, h->default_errno, h->default_name, e.flags};
  }
  return Verdict{h->default_action, h->default_flags, h->default_errno, h->default_name, 0};
}

bool plainly_allowed(const Header* h, long nr) {
  if (h->flags & kLogAll) return false;
  const bool default_plain = h->default_action == kAllow && !(h->default_flags & kRuleLog);
  if (nr < 0 || static_cast<uint64_t>(nr) >= kSyscalls) return default_plain;
  const Entry& e = entries(h)[nr];
  if (e.flags != 0) return false;
  if (e.rule_count == 0) return default_plain;
  // The first rule decides only if it has no conditions; a conditional one
  // makes the answer depend on the arguments.
  const Rule& r = rules(h)[e.rule_begin];
  return r.cond_count == 0 && r.action == kAllow && !(r.flags & kRuleLog);
}

bool glob_match(const char* p, size_t plen, const char* s, size_t slen) {
  size_t pi = 0, si = 0, star = static_cast<size_t>(-1), mark = 0;
  while (si < slen) {
    if (pi < plen && (p[pi] == '?' || p[pi] == s[si])) {
      ++pi;
      ++si;
    } else if (pi < plen && p[pi] == '*') {
      star = pi++;
      mark = si;
    } else if (star != static_cast<size_t>(-1)) {
      pi = star + 1;
      si = ++mark;
    } else {
      return false;
    }
  }
  while (pi < plen && p[pi] == '*') ++pi;
  return pi == plen;
}

namespace {

// Next component of an absolute path at *pos: [*begin, *end); false at the end.
bool next_component(const char* s, size_t len, size_t* pos, size_t* begin, size_t* end) {
  size_t i = *pos;
  while (i < len && s[i] == '/') ++i;
  if (i >= len) return false;
  size_t j = i;
  while (j < len && s[j] != '/') ++j;
  *begin = i;
  *end = j;
  *pos = j;
  return true;
}

// How a rule's pattern relates to a path: the path is under it (covered), the
// path is a proper ancestor of it, or neither.
enum class Relation { kNone, kCovered, kAncestor };

Relation relate(const char* pat, size_t plen, bool glob, const char* path, size_t len) {
  size_t pp = 0, sp = 0, pb, pe, sb, se;
  for (;;) {
    const bool has_p = next_component(pat, plen, &pp, &pb, &pe);
    const bool has_s = next_component(path, len, &sp, &sb, &se);
    if (!has_p) return Relation::kCovered;    // every pattern component matched
    if (!has_s) return Relation::kAncestor;   // the path ran out first
    const bool same = glob ? glob_match(pat + pb, pe - pb, path + sb, se - sb)
                           : (pe - pb == se - sb && __builtin_memcmp(pat + pb, path + sb, pe - pb) == 0);
    if (!same) return Relation::kNone;
  }
}

}  // namespace

PathVerdict match_path(const Header* h, const char* path, size_t len) {
  PathVerdict v{0, false, false, 0};
  int best = -1;
  const PathRule* rs = path_rules(h);
  for (uint32_t i = 0; i < h->path_rule_count; ++i) {
    const PathRule& r = rs[i];
    const char* pat = string_at(h, r.pattern);
    size_t plen = 0;
    while (pat[plen] != '\0') ++plen;
    switch (relate(pat, plen, r.glob != 0, path, len)) {
      case Relation::kCovered:
        if (static_cast<int>(r.components) > best || (static_cast<int>(r.components) == best && r.kind > v.kind)) {
          best = r.components;
          v.kind = r.kind;
          v.rule = r.name;
        }
        break;
      case Relation::kAncestor:
        if (r.kind != kPathHidden) v.ancestor = true;
        v.deeper = true;
        break;
      case Relation::kNone:
        break;
    }
  }
  return v;
}

int judge_path(const Header* h, const char* path, size_t len, bool write, uint32_t* rule) {
  const PathVerdict v = match_path(h, path, len);
  *rule = v.rule;
  if (v.kind == kPathReadWrite) return 0;
  if (v.kind == kPathReadOnly || (v.kind != kPathHidden && v.ancestor)) return write ? h->readonly_errno : 0;
  // Hidden, but on the way to something allowed: visible, not writable.
  if (v.kind == kPathHidden && v.ancestor) return write ? h->readonly_errno : 0;
  return h->hidden_errno;
}

}  // namespace interpose::policy_table
