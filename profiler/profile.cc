#include "profile.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "syscall_names.h"

namespace interpose::profile {

namespace {

constexpr size_t kMaxLine = 8192;
constexpr size_t kMaxSites = 1 << 22;
constexpr uint64_t kMaxOffset = uint64_t{1} << 40;

std::string syscall_label(long nr) {
  if (const char* n = syscall_name(nr)) return n;
  return "syscall_" + std::to_string(nr);
}

// "read" or "syscall_123" -> number; -1 if neither.
long syscall_of(std::string_view s) {
  if (s.rfind("syscall_", 0) == 0) {
    const std::string_view digits = s.substr(8);
    if (digits.empty() || digits.size() > 4) return -1;
    long v = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return -1;
      v = v * 10 + (c - '0');
    }
    return v < 512 ? v : -1;
  }
  if (s.size() > 64) return -1;
  return syscall_number(std::string(s).c_str());
}

bool parse_u64(std::string_view s, uint64_t* out) {
  if (s.empty() || s.size() > 20) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    const uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

bool parse_hex(std::string_view s, uint64_t* out) {
  if (s.size() < 3 || s[0] != '0' || s[1] != 'x' || s.size() > 18) return false;
  uint64_t v = 0;
  for (char c : s.substr(2)) {
    uint64_t d;
    if (c >= '0' && c <= '9') d = static_cast<uint64_t>(c - '0');
    else if (c >= 'a' && c <= 'f') d = static_cast<uint64_t>(c - 'a' + 10);
    else return false;
    v = v * 16 + d;
  }
  *out = v;
  return true;
}

bool is_build_id(std::string_view s) {
  if (s.size() < 2 || s.size() > 64 || s.size() % 2 != 0) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

// Splits off the next space-separated word.
std::string_view next_word(std::string_view* rest) {
  size_t i = 0;
  while (i < rest->size() && (*rest)[i] == ' ') ++i;
  size_t j = i;
  while (j < rest->size() && (*rest)[j] != ' ') ++j;
  const std::string_view w = rest->substr(i, j - i);
  *rest = rest->substr(j);
  return w;
}

bool add_overflows(uint64_t a, uint64_t b) { return a > UINT64_MAX - b; }

}  // namespace

void Profile::add(const Module& m, uint64_t offset, const Site& site) {
  Site& s = modules_[m][offset];
  s.hits += site.hits;
  for (const auto& [nr, n] : site.syscalls) s.syscalls[nr] += n;
  s.other += site.other;
}

void Profile::merge(const Profile& other) {
  for (const auto& [m, sites] : other.modules_)
    for (const auto& [off, s] : sites) add(m, off, s);
  anonymous_ += other.anonymous_;
  images_ += other.images_;
}

uint64_t Profile::total_hits() const {
  uint64_t n = 0;
  for (const auto& [m, sites] : modules_)
    for (const auto& [off, s] : sites) n += s.hits;
  return n;
}

size_t Profile::site_count() const {
  size_t n = 0;
  for (const auto& [m, sites] : modules_) n += sites.size();
  return n;
}

std::string Profile::serialize() const {
  std::ostringstream o;
  o << "# interpose profile: the syscall sites a program was seen to use (docs/profile-format.md).\n"
    << "# Written by interpose-profile; merge with `interpose-profile merge`, read with `interpose-profile show`.\n"
    << "interpose-profile " << kFormatVersion << "\n";
  if (images_ != 0) o << "images " << images_ << "\n";
  size_t id = 0;
  for (const auto& [m, sites] : modules_) {
    o << "module " << id << " " << (m.build_id.empty() ? "-" : m.build_id) << " " << m.path << "\n";
    for (const auto& [off, s] : sites) {
      o << "site " << id << " 0x" << std::hex << off << std::dec << " " << s.hits;
      for (const auto& [nr, n] : s.syscalls) o << " " << syscall_label(nr) << "=" << n;
      if (s.other != 0) o << " other=" << s.other;
      o << "\n";
    }
    ++id;
  }
  if (anonymous_ != 0) o << "anonymous " << anonymous_ << "\n";
  return o.str();
}

Result<Profile> parse(std::string_view text, const std::string& name) {
  Result<Profile> r;
  Profile p;
  std::vector<Module> modules;
  std::set<Module> seen_modules;
  std::set<std::pair<size_t, uint64_t>> seen_sites;
  bool header = false, anonymous = false, images = false;
  size_t line_no = 0, sites = 0;
  auto fail = [&](const std::string& what) {
    r.error.message = name + ":" + std::to_string(line_no) + ": " + what;
    return r;
  };
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t eol = text.find('\n', pos);
    const std::string_view line = text.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
    pos = eol == std::string_view::npos ? text.size() : eol + 1;
    ++line_no;
    if (line.size() > kMaxLine) return fail("line longer than " + std::to_string(kMaxLine) + " bytes");
    for (char c : line)
      if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f)
        return fail("control character in the line (a binary file?)");
    if (line.empty() || line[0] == '#') continue;
    std::string_view rest = line;
    const std::string_view word = next_word(&rest);
    if (!header) {
      if (word != "interpose-profile")
        return fail("not an interpose profile: the first line must be 'interpose-profile " +
                    std::to_string(kFormatVersion) + "'");
      uint64_t v;
      const std::string_view ver = next_word(&rest);
      if (!parse_u64(ver, &v) || !next_word(&rest).empty()) return fail("bad version line '" + std::string(line) + "'");
      if (v < kOldestFormatVersion || v > kFormatVersion)
        return fail("profile format version " + std::string(ver) + " is not supported (this interpose reads versions " +
                    std::to_string(kOldestFormatVersion) + " to " + std::to_string(kFormatVersion) +
                    "); record it again with interpose-profile");
      header = true;
      continue;
    }
    if (word == "module") {
      uint64_t id;
      if (!parse_u64(next_word(&rest), &id) || id != modules.size())
        return fail("module ids must count up from 0 (expected " + std::to_string(modules.size()) + ")");
      const std::string_view bid = next_word(&rest);
      if (bid != "-" && !is_build_id(bid)) return fail("bad build-id '" + std::string(bid) + "' (hex, or - for none)");
      while (!rest.empty() && rest[0] == ' ') rest.remove_prefix(1);
      if (rest.empty() || rest[0] != '/') return fail("a module needs an absolute path");
      Module m{std::string(rest), bid == "-" ? "" : std::string(bid)};
      if (!seen_modules.insert(m).second) return fail("module " + m.path + " listed twice");
      modules.push_back(m);
    } else if (word == "site") {
      uint64_t id, offset, hits;
      if (!parse_u64(next_word(&rest), &id) || id >= modules.size())
        return fail("site of an unknown module (modules must be listed before their sites)");
      if (!parse_hex(next_word(&rest), &offset) || offset >= kMaxOffset) return fail("bad offset (0x followed by hex digits)");
      if (!parse_u64(next_word(&rest), &hits)) return fail("bad hit count");
      if (!seen_sites.insert({id, offset}).second) return fail("site listed twice");
      if (++sites > kMaxSites) return fail("too many sites");
      Site s;
      s.hits = hits;
      uint64_t sum = 0;
      for (std::string_view item = next_word(&rest); !item.empty(); item = next_word(&rest)) {
        const size_t eq = item.find('=');
        uint64_t n;
        if (eq == std::string_view::npos || !parse_u64(item.substr(eq + 1), &n))
          return fail("bad syscall count '" + std::string(item) + "' (name=count)");
        const std::string_view key = item.substr(0, eq);
        if (add_overflows(sum, n)) return fail("counts overflow");
        sum += n;
        if (key == "other") {
          s.other += n;
          continue;
        }
        const long nr = syscall_of(key);
        if (nr < 0) return fail("unknown syscall '" + std::string(key) + "'");
        if (s.syscalls.count(nr)) return fail("syscall " + std::string(key) + " listed twice for one site");
        s.syscalls[nr] = n;
      }
      if (sum != hits)
        return fail("the syscall counts add up to " + std::to_string(sum) + ", not the site's " + std::to_string(hits) +
                    " hits");
      p.add(modules[id], offset, s);
    } else if (word == "images") {
      uint64_t n;
      if (images || !parse_u64(next_word(&rest), &n) || !next_word(&rest).empty())
        return fail("bad images line (once, with one count)");
      images = true;
      p.add_images(n);
    } else if (word == "anonymous") {
      uint64_t n;
      if (anonymous || !parse_u64(next_word(&rest), &n) || !next_word(&rest).empty())
        return fail("bad anonymous line (once, with one count)");
      anonymous = true;
      p.add_anonymous(n);
    } else {
      return fail("unknown line '" + std::string(word) + "' (images, module, site or anonymous)");
    }
  }
  if (!header) {
    line_no = line_no == 0 ? 1 : line_no;
    return fail("empty: not an interpose profile");
  }
  r.value = std::move(p);
  return r;
}

Result<Profile> load(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    Result<Profile> r;
    r.error.message = path + ": " + std::strerror(errno);
    return r;
  }
  std::ostringstream s;
  s << f.rdbuf();
  return parse(s.str(), path);
}

std::optional<Error> save(const Profile& p, const std::string& path) {
  const std::string tmp = path + ".tmp." + std::to_string(getpid());
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) return Error{path + ": " + std::strerror(errno)};
    f << p.serialize();
    if (!f) return Error{path + ": write failed"};
  }
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    unlink(tmp.c_str());
    return Error{path + ": " + std::strerror(e)};
  }
  return std::nullopt;
}

}  // namespace interpose::profile
