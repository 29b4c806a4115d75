#include "program.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <vector>

#include "exit_codes.h"

namespace interpose::loader {

namespace {

std::vector<std::string> path_dirs() {
  const char* p = getenv("PATH");
  std::string path = p != nullptr ? p : "/usr/local/bin:/usr/bin:/bin";
  std::vector<std::string> dirs;
  size_t start = 0;
  for (;;) {
    const size_t colon = path.find(':', start);
    std::string d = path.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    dirs.push_back(d.empty() ? "." : d);
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return dirs;
}

// Reads the ELF header and program headers: is it dynamically linked x86-64?
std::string elf_problem(int fd) {
  Elf64_Ehdr eh;
  if (pread(fd, &eh, sizeof eh, 0) != static_cast<ssize_t>(sizeof eh)) return "";
  if (memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0) return "";  // a script or unknown: let exec decide
  if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_machine != EM_X86_64)
    return "is not an x86-64 program; the runtime can only be preloaded into x86-64 programs";
  if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) return "";
  if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum > 4096) return "";
  std::vector<Elf64_Phdr> ph(eh.e_phnum);
  const ssize_t want = static_cast<ssize_t>(ph.size() * sizeof(Elf64_Phdr));
  if (pread(fd, ph.data(), static_cast<size_t>(want), static_cast<off_t>(eh.e_phoff)) != want) return "";
  for (const Elf64_Phdr& p : ph)
    if (p.p_type == PT_INTERP) return "";
  return "is statically linked, so the runtime cannot be preloaded into it";
}

}  // namespace

ProgramCheck check_program(const std::string& name) {
  ProgramCheck out;
  if (name.empty()) {
    out.exit_code = kExitNotFound;
    out.error = "empty program name";
    return out;
  }
  std::vector<std::string> candidates;
  if (name.find('/') != std::string::npos) {
    candidates.push_back(name);
  } else {
    for (const std::string& d : path_dirs()) candidates.push_back(d + "/" + name);
  }
  int first_errno = ENOENT;
  for (const std::string& c : candidates) {
    struct stat st;
    if (stat(c.c_str(), &st) != 0) {
      if (errno != ENOENT && errno != ENOTDIR && first_errno == ENOENT) first_errno = errno;
      continue;
    }
    if (S_ISDIR(st.st_mode)) {
      if (first_errno == ENOENT) first_errno = EISDIR;
      continue;
    }
    if (access(c.c_str(), X_OK) != 0 || !S_ISREG(st.st_mode)) {
      if (first_errno == ENOENT) first_errno = EACCES;
      continue;
    }
    out.path = c;
    out.setuid = (st.st_mode & (S_ISUID | S_ISGID)) != 0;
    const int fd = open(c.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      char magic[2] = {};
      if (pread(fd, magic, 2, 0) == 2 && magic[0] == '#' && magic[1] == '!') out.script = true;
      const std::string problem = elf_problem(fd);
      close(fd);
      if (!problem.empty()) {
        out.exit_code = kExitUnsupportedProgram;
        out.error = c + " " + problem;
      }
    }
    return out;
  }
  if (first_errno == ENOENT) {
    out.exit_code = kExitNotFound;
    out.error = name.find('/') != std::string::npos ? name + ": No such file or directory"
                                                    : name + ": command not found";
  } else {
    out.exit_code = kExitCannotExecute;
    out.error = name + ": " + strerror(first_errno);
  }
  return out;
}

}  // namespace interpose::loader

namespace interpose::loader {

std::string resolve_pyenv_shim(const std::string& path, const std::string& workdir) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos || path.find("/shims/") == std::string::npos) return "";
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.rfind("#!", 0) != 0 || text.find("pyenv") == std::string::npos) return "";
  const std::string key = "export PYENV_ROOT=\"";
  const auto at = text.find(key);
  if (at == std::string::npos) return "";
  const auto end = text.find('"', at + key.size());
  const std::string root = text.substr(at + key.size(), end - at - key.size());
  const std::string pyenv = root + "/libexec/pyenv";
  const std::string name = path.substr(slash + 1);
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) return "";
  const pid_t pid = fork();
  if (pid < 0) return "";
  if (pid == 0) {
    dup2(out[1], 1);
    const int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0) dup2(devnull, 2);
    if (!workdir.empty() && chdir(workdir.c_str()) != 0) _exit(127);
    setenv("PYENV_ROOT", root.c_str(), 1);
    execl(pyenv.c_str(), pyenv.c_str(), "which", name.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  std::string answer;
  char buf[512];
  for (ssize_t n; (n = read(out[0], buf, sizeof buf)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    answer.append(buf, static_cast<size_t>(n));
  }
  close(out[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  while (!answer.empty() && (answer.back() == '\n' || answer.back() == '\r')) answer.pop_back();
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || answer.empty() || answer[0] != '/' ||
      access(answer.c_str(), X_OK) != 0)
    return "";
  return answer;
}

}  // namespace interpose::loader
