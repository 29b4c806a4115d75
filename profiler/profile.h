// Profiles: which syscall sites a program was seen to use, and how often.
// The text format is documented in docs/profile-format.md.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace interpose::profile {

// Version 2 added `images`; version 1 files are still read (images unknown).
inline constexpr int kFormatVersion = 2;
inline constexpr int kOldestFormatVersion = 1;

struct Module {
  std::string path;
  std::string build_id;  // lowercase hex, "" if the module has none
  bool operator<(const Module& o) const { return std::tie(path, build_id) < std::tie(o.path, o.build_id); }
  bool operator==(const Module& o) const { return path == o.path && build_id == o.build_id; }
};

struct Site {
  uint64_t hits = 0;
  std::map<long, uint64_t> syscalls;  // number -> hits
  uint64_t other = 0;                 // hits of numbers not broken down
};

class Profile {
 public:
  // Adds hits (merging with what is there).
  void add(const Module& m, uint64_t offset, const Site& site);
  void add_anonymous(uint64_t hits) { anonymous_ += hits; }
  // Process images that ran the runtime while the hits were recorded (0: not
  // known, a version 1 profile): hits per image say what a site costs an image.
  void add_images(uint64_t n) { images_ += n; }
  uint64_t images() const { return images_; }
  void merge(const Profile& other);

  // Modules in path order, each with its sites in offset order.
  const std::map<Module, std::map<uint64_t, Site>>& modules() const { return modules_; }
  uint64_t anonymous() const { return anonymous_; }
  uint64_t total_hits() const;
  size_t site_count() const;

  // The text form: stable order, so profiles diff well.
  std::string serialize() const;

 private:
  std::map<Module, std::map<uint64_t, Site>> modules_;
  uint64_t anonymous_ = 0;
  uint64_t images_ = 0;
};

// An error as a value: "NAME:LINE: what is wrong and what to do".
struct Error {
  std::string message;
};

template <class T>
struct Result {
  std::optional<T> value;
  Error error;
  explicit operator bool() const { return value.has_value(); }
};

// Parses the text form.  `name` (a file name) prefixes error messages.
Result<Profile> parse(std::string_view text, const std::string& name);

// Reads and parses a file.
Result<Profile> load(const std::string& path);

// Writes a profile atomically (a temporary file renamed over `path`).
std::optional<Error> save(const Profile& p, const std::string& path);

}  // namespace interpose::profile
