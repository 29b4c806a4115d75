#include "recorded.h"

#include <algorithm>
#include <cstring>

#include "build_id.h"
#include "plan.h"

namespace interpose::profile {

namespace {

std::string hex(const uint8_t* b, size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    s += digits[b[i] >> 4];
    s += digits[b[i] & 15];
  }
  return s;
}

bool unhex(const std::string& s, uint8_t* out, size_t cap, size_t* n) {
  if (s.size() % 2 != 0 || s.size() / 2 > cap) return false;
  auto v = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  for (size_t i = 0; i < s.size(); i += 2) out[i / 2] = static_cast<uint8_t>(v(s[i]) << 4 | v(s[i + 1]));
  *n = s.size() / 2;
  return true;
}

}  // namespace

Profile from_arena(arena::Header& h) {
  Profile p;
  arena::ProfileArea* a = arena::profile_area(&h);
  if (a == nullptr) return p;
  p.add_images(h.runtimes_started.load());
  std::vector<Module> modules;
  const uint32_t n = std::min(a->module_count.load(), arena::kProfileModules);
  for (uint32_t i = 0; i < n; ++i) {
    const arena::ProfileModule& m = a->modules[i];
    if (!m.published.load()) {
      modules.push_back(Module{});
      continue;
    }
    modules.push_back(Module{std::string(m.path, strnlen(m.path, sizeof m.path)),
                             hex(m.build_id, std::min<size_t>(m.build_id_len, sizeof m.build_id))});
  }
  for (const arena::ProfileSite& s : a->sites) {
    const uint64_t key = s.key.load();
    if (key == 0) continue;
    const uint64_t index = (key >> arena::kProfileOffsetBits) - 1;
    if (index >= modules.size() || modules[index].path.empty()) continue;
    Site site;
    site.hits = s.hits.load();
    for (uint32_t k = 0; k < arena::kProfileNrs; ++k)
      if (const uint32_t nr = s.nr[k].load(); nr != 0) site.syscalls[static_cast<long>(nr) - 1] += s.nr_hits[k].load();
    site.other = s.other_hits.load();
    p.add(modules[index], key & ((uint64_t{1} << arena::kProfileOffsetBits) - 1), site);
  }
  p.add_anonymous(a->anonymous_hits.load());
  return p;
}

Plan make_plan(const Profile& p, uint64_t hot, const std::string& profile_name) {
  Plan plan;
  struct Entry {
    plan::Module module;
    std::vector<uint64_t> offsets;
  };
  std::vector<Entry> entries;
  for (const auto& [m, sites] : p.modules()) {
    Entry e{};
    size_t len = 0;
    if (m.build_id.empty() || !unhex(m.build_id, e.module.build_id, sizeof e.module.build_id, &len)) {
      plan.warnings.push_back(profile_name + ": " + m.path + " has no build-id in the profile: its sites are not rewritten");
      continue;
    }
    e.module.build_id_len = static_cast<uint32_t>(len);
    const std::string now = rewriter::read_build_id(m.path);
    if (now != m.build_id) {
      plan.warnings.push_back(profile_name + ": " + m.path + (now.empty() ? " is gone or unreadable" : " has changed") +
                              " since the profile was recorded (build-id " + m.build_id.substr(0, 12) + "..." +
                              (now.empty() ? "" : ", now " + now.substr(0, 12) + "...") + "): its sites are skipped");
      continue;
    }
    std::strncpy(e.module.path, m.path.c_str(), sizeof e.module.path - 1);
    // Per process image of the recording: a site the average image calls
    // fewer than `hot` times is cheaper left to the lazy path (whose own
    // threshold rewrites it in an image that does call it often).
    const uint64_t images = std::max<uint64_t>(p.images(), 1);
    for (const auto& [off, s] : sites)
      if (s.hits >= hot * images) e.offsets.push_back(off);
    if (!e.offsets.empty()) entries.push_back(std::move(e));
  }
  size_t sites = 0;
  for (const auto& e : entries) sites += e.offsets.size();
  plan.bytes.assign(plan::size_for(entries.size(), sites), 0);
  auto* header = reinterpret_cast<plan::Header*>(plan.bytes.data());
  header->magic = plan::kMagic;
  header->module_count = static_cast<uint32_t>(entries.size());
  auto* mods = reinterpret_cast<plan::Module*>(header + 1);
  uint64_t at = plan::size_for(entries.size(), 0);
  for (size_t i = 0; i < entries.size(); ++i) {
    mods[i] = entries[i].module;
    mods[i].site_count = static_cast<uint32_t>(entries[i].offsets.size());
    mods[i].sites_offset = at;
    std::memcpy(plan.bytes.data() + at, entries[i].offsets.data(), entries[i].offsets.size() * sizeof(uint64_t));
    at += entries[i].offsets.size() * sizeof(uint64_t);
  }
  plan.sites = sites;
  plan.modules = entries.size();
  return plan;
}

}  // namespace interpose::profile
