// The policy format (policy/), its compiled table and the evaluator the hook path
// runs (policy_eval.h), and the path text helpers (path_text.h).
#include <gtest/gtest.h>
#include <sys/syscall.h>

#include <fstream>
#include <sstream>

#include "path_text.h"
#include "policy.h"
#include "policy_eval.h"

namespace interpose::policy {
namespace {

namespace pt = policy_table;

Policy parse_ok(const std::string& text) {
  auto r = parse(text, "test.json");
  EXPECT_TRUE(r) << r.error.message;
  return r ? *r.value : Policy{};
}

std::string parse_error(const std::string& text) {
  auto r = parse(text, "test.json");
  EXPECT_FALSE(r);
  return r.error.message;
}

std::vector<uint8_t> compile_ok(const Policy& p, const Vars& v = {"/work", "/tmp/private", "/opt/py", "/home/u"}) {
  auto r = compile(p, v);
  EXPECT_TRUE(r) << r.error.message;
  return r ? *r.value : std::vector<uint8_t>{};
}

const pt::Header* table(const std::vector<uint8_t>& bytes) {
  const auto* h = reinterpret_cast<const pt::Header*>(bytes.data());
  EXPECT_TRUE(pt::valid(h, bytes.size()));
  return h;
}

pt::Verdict eval(const pt::Header* h, long nr, std::initializer_list<uint64_t> a = {}) {
  uint64_t args[6] = {};
  size_t i = 0;
  for (uint64_t v : a) args[i++] = v;
  return pt::evaluate(h, nr, args);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(Policy, DockerStyleRulesWithArguments) {
  const auto bytes = compile_ok(parse_ok(R"({
    "defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
    "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
    "syscalls": [
      {"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"},
      {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
       "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_EQ"}]},
      {"names": ["clone"], "action": "SCMP_ACT_ALLOW",
       "args": [{"index": 0, "value": 2114060288, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}]},
      {"names": ["socketcall"], "action": "SCMP_ACT_ALLOW"},
      {"names": ["kill"], "action": "SCMP_ACT_KILL"},
      {"names": ["getpid"], "action": "SCMP_ACT_LOG"},
      {"names": ["uname"], "action": "SCMP_ACT_TRAP"},
      {"names": ["socket"], "action": "SCMP_ACT_ERRNO", "errnoRet": 97}
    ]})"));
  const pt::Header* h = table(bytes);
  EXPECT_EQ(eval(h, SYS_read).action, pt::kAllow);
  EXPECT_EQ(eval(h, SYS_open).action, pt::kErrno);
  EXPECT_EQ(eval(h, SYS_open).errno_value, 1);
  EXPECT_EQ(eval(h, SYS_personality, {0}).action, pt::kAllow);
  EXPECT_EQ(eval(h, SYS_personality, {8}).action, pt::kErrno);
  EXPECT_EQ(eval(h, SYS_clone, {0x11}).action, pt::kAllow);                // no namespace flags
  EXPECT_EQ(eval(h, SYS_clone, {0x10000000 | 0x11}).action, pt::kErrno);   // CLONE_NEWUSER
  EXPECT_EQ(eval(h, SYS_kill).action, pt::kKill);
  EXPECT_EQ(eval(h, SYS_getpid).action, pt::kAllow);
  EXPECT_TRUE(eval(h, SYS_getpid).flags & pt::kRuleLog);
  EXPECT_EQ(eval(h, SYS_uname).action, pt::kTrap);
  EXPECT_EQ(eval(h, SYS_socket).errno_value, 97);
  EXPECT_EQ(eval(h, 0x40000000 + SYS_read).action, pt::kErrno);  // x32 numbers take the default
  // The rule that decided is named by its JSON path.
  EXPECT_NE(std::string(pt::string_at(h, eval(h, SYS_socket).rule)).find("/syscalls/7"), std::string::npos);
}

TEST(Policy, ErrorsNameTheJsonPath) {
  EXPECT_NE(parse_error("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"raed\"], "
                        "\"action\": \"SCMP_ACT_ALLOW\"}]}")
                .find("/syscalls/0/names/0: unknown syscall \"raed\""),
            std::string::npos);
  EXPECT_NE(parse_error("{\"defaultAction\": \"SCMP_ACT_ALLOW\",").find("not valid JSON"), std::string::npos);
  EXPECT_NE(parse_error("{\"syscalls\": []}").find("missing \"defaultAction\""), std::string::npos);
  // A number no type holds is an error, not an exception (found by fuzzing).
  EXPECT_NE(parse_error("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"defaultErrnoRet\": 94e24967295}")
                .find("not valid JSON: number overflow"),
            std::string::npos);
  EXPECT_NE(parse_error("{\"defaultAction\": \"SCMP_ACT_MAYBE\"}").find("/defaultAction"), std::string::npos);
  EXPECT_NE(parse_error("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], "
                        "\"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 7, \"value\": 1, \"op\": "
                        "\"SCMP_CMP_EQ\"}]}]}")
                .find("/syscalls/0/args/0/index"),
            std::string::npos);
  EXPECT_NE(parse_error("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"interpose\": {\"paths\": {\"read_only\": "
                        "[\"relative/path\"]}}}")
                .find("/interpose/paths/read_only/0"),
            std::string::npos);
  EXPECT_NE(parse_error("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"bogus\": 1}").find("/bogus: unknown key"),
            std::string::npos);
}

TEST(Policy, ContradictionsAreRefused) {
  // One syscall, two unconditional answers.
  EXPECT_NE(parse_error(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
      {"names": ["socket"], "action": "SCMP_ACT_ALLOW"},
      {"names": ["bind", "socket"], "action": "SCMP_ACT_ERRNO"}]})")
                .find("/syscalls/1: syscall socket is given another answer at /syscalls/0"),
            std::string::npos);
  // One path, two kinds.
  EXPECT_NE(parse_error(R"({"defaultAction": "SCMP_ACT_ALLOW", "interpose": {"paths": {
      "read_only": ["/etc"], "hidden": ["/etc/"]}}})")
                .find("contradicts"),
            std::string::npos);
}

TEST(Policy, PathRulesMostSpecificWinsHiddenOnTies) {
  const auto bytes = compile_ok(parse_ok(R"({"defaultAction": "SCMP_ACT_ALLOW", "interpose": {"paths": {
      "default": "hidden",
      "read_only": ["/usr", "/lib*", "/etc", "${PROGRAM_PREFIX}"],
      "read_write": ["${WORKDIR}", "${TMPDIR}", "/dev/null"],
      "hidden": ["/etc/shadow", "/proc/self/task/*/environ"]}}})"));
  const pt::Header* h = table(bytes);
  auto kind = [&](const char* p) { return pt::match_path(h, p, strlen(p)).kind; };
  EXPECT_EQ(kind("/usr/lib/python3.11/os.py"), pt::kPathReadOnly);
  EXPECT_EQ(kind("/lib64/ld-linux-x86-64.so.2"), pt::kPathReadOnly);  // glob
  EXPECT_EQ(kind("/etc/passwd"), pt::kPathReadOnly);
  EXPECT_EQ(kind("/etc/shadow"), pt::kPathHidden);
  EXPECT_EQ(kind("/etc/shadowy"), pt::kPathReadOnly);  // a component, not a prefix of bytes
  EXPECT_EQ(kind("/work/sub/file"), pt::kPathReadWrite);
  EXPECT_EQ(kind("/workshop"), pt::kPathHidden);
  EXPECT_EQ(kind("/opt/py/bin/python3"), pt::kPathReadOnly);
  EXPECT_EQ(kind("/proc/self/task/123/environ"), pt::kPathHidden);
  EXPECT_EQ(kind("/home/u/.ssh/id_rsa"), pt::kPathHidden);
  // Ancestors of allowed places may be looked up (not written); others not.
  uint32_t rule;
  EXPECT_EQ(pt::judge_path(h, "/opt", 4, false, &rule), 0);
  EXPECT_EQ(pt::judge_path(h, "/opt", 4, true, &rule), 13);
  EXPECT_EQ(pt::judge_path(h, "/home", 5, false, &rule), 2);
  EXPECT_EQ(pt::judge_path(h, "/etc/passwd", 11, true, &rule), 13);
  EXPECT_EQ(pt::judge_path(h, "/work/x", 7, true, &rule), 0);
}

TEST(Policy, VariablesAndFloor) {
  Policy p = parse_ok(R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
      {"names": ["read", "write", "exit_group"], "action": "SCMP_ACT_ALLOW"},
      {"names": ["ptrace"], "action": "SCMP_ACT_KILL"},
      {"names": ["clone"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_NE"}]}],
      "interpose": {"paths": {"read_write": ["${WORKDIR}/out"]}}})");
  // A run without that variable: the rule does not apply, and compiling works.
  auto r = compile(p, Vars{});
  EXPECT_TRUE(r) << r.error.message;
  const auto floor = never_allowed(p);
  auto has = [&](long nr) {
    for (const FloorEntry& e : floor)
      if (e.nr == nr) return e.errno_value;
    return -2;
  };
  EXPECT_EQ(has(SYS_ptrace), -1);           // kill
  EXPECT_EQ(has(SYS_socket), 1);            // the default
  EXPECT_EQ(has(SYS_read), -2);             // allowed
  EXPECT_EQ(has(SYS_clone), -2);            // depends on its arguments
  EXPECT_EQ(has(SYS_rt_sigreturn), -2);     // the runtime needs it
  EXPECT_EQ(has(SYS_openat), -2);           // the runtime needs it
}

TEST(Policy, ShippedPoliciesParseAndCompile) {
  for (const char* name : {"student", "trace", "docker-default"}) {
    const std::string path = std::string(INTERPOSE_POLICIES_DIR) + "/" + name + ".json";
    const std::string text = read_file(path);
    ASSERT_FALSE(text.empty()) << path;
    auto r = parse(text, path);
    ASSERT_TRUE(r) << r.error.message;
    compile_ok(*r.value);
  }
}

TEST(Policy, StudentPolicyDecisions) {
  auto p = parse(read_file(std::string(INTERPOSE_POLICIES_DIR) + "/student.json"), "student");
  ASSERT_TRUE(p) << p.error.message;
  EXPECT_EQ(p.value->max_processes, 0);
  EXPECT_EQ(*p.value->resources.mem, uint64_t{2} << 30);
  EXPECT_EQ(*p.value->resources.fsize, uint64_t{64} << 20);
  EXPECT_EQ(*p.value->resources.nofile, 256u);
  EXPECT_TRUE(*p.value->resources.clean_env);
  const auto bytes = compile_ok(*p.value);
  const pt::Header* h = table(bytes);
  for (long nr : {SYS_socket, SYS_connect, SYS_ptrace, SYS_process_vm_readv, SYS_io_uring_setup, SYS_bpf,
                  SYS_userfaultfd, SYS_perf_event_open, SYS_unshare, SYS_setns, SYS_mount, SYS_chroot,
                  SYS_pivot_root, SYS_kexec_load, SYS_init_module, SYS_symlink, SYS_link, SYS_inotify_init1,
                  SYS_keyctl, SYS_setuid})
    EXPECT_EQ(eval(h, nr).action, pt::kErrno) << nr;
  EXPECT_EQ(eval(h, SYS_read).action, pt::kAllow);
  EXPECT_TRUE(eval(h, SYS_clone).entry_flags & pt::kEntryProcess);
  EXPECT_TRUE(eval(h, SYS_kill).entry_flags & pt::kEntryKill);
  EXPECT_TRUE(eval(h, SYS_personality).entry_flags & pt::kEntryPersonality);
  EXPECT_TRUE(eval(h, SYS_openat).entry_flags & pt::kEntryPaths);
}

// What the launcher's boot filter may let pass unseen: only calls every one of
// which the policy allows with nothing to check or log.
TEST(Policy, PlainlyAllowed) {
  auto student = parse(read_file(std::string(INTERPOSE_POLICIES_DIR) + "/student.json"), "student");
  ASSERT_TRUE(student) << student.error.message;
  const auto bytes = compile_ok(*student.value);
  const pt::Header* h = table(bytes);
  EXPECT_TRUE(pt::plainly_allowed(h, SYS_read));
  EXPECT_TRUE(pt::plainly_allowed(h, SYS_mmap));
  EXPECT_FALSE(pt::plainly_allowed(h, SYS_openat));  // its path goes through the path rules
  EXPECT_FALSE(pt::plainly_allowed(h, SYS_clone));   // the process limit
  EXPECT_FALSE(pt::plainly_allowed(h, SYS_kill));    // its target is checked
  EXPECT_FALSE(pt::plainly_allowed(h, SYS_socket));  // refused
  auto trace = parse(read_file(std::string(INTERPOSE_POLICIES_DIR) + "/trace.json"), "trace");
  ASSERT_TRUE(trace) << trace.error.message;
  const auto tbytes = compile_ok(*trace.value);
  EXPECT_FALSE(pt::plainly_allowed(table(tbytes), SYS_read)) << "the trace policy logs every call";
  const auto cbytes = compile_ok(parse_ok(R"({
    "defaultAction": "SCMP_ACT_ALLOW",
    "syscalls": [
      {"names": ["ioctl"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 1, "value": 21505, "op": "SCMP_CMP_EQ"}]},
      {"names": ["ioctl"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1},
      {"names": ["getppid"], "action": "SCMP_ACT_LOG"}
    ]})"));
  const pt::Header* c = table(cbytes);
  EXPECT_FALSE(pt::plainly_allowed(c, SYS_ioctl)) << "its first rule has a condition";
  EXPECT_FALSE(pt::plainly_allowed(c, SYS_getppid)) << "logged";
  EXPECT_TRUE(pt::plainly_allowed(c, SYS_getpid)) << "the default allows it";
}

TEST(Policy, Sizes) {
  EXPECT_EQ(parse_size("2G"), uint64_t{2} << 30);
  EXPECT_EQ(parse_size("64m"), uint64_t{64} << 20);
  EXPECT_EQ(parse_size("1048576"), 1048576u);
  EXPECT_FALSE(parse_size("12Q"));
  EXPECT_FALSE(parse_size(""));
  EXPECT_FALSE(parse_size("99999999999999999999G"));
}

}  // namespace
}  // namespace interpose::policy

namespace interpose::hook::path_text {
namespace {

std::string norm(const char* base, const char* rel) {
  Path p;
  EXPECT_TRUE(join_normalise(base, strlen(base), rel, strlen(rel), &p));
  return std::string(p.buf, p.len);
}

TEST(PathText, JoinAndNormalise) {
  EXPECT_EQ(norm("/work", "a/b"), "/work/a/b");
  EXPECT_EQ(norm("/work", "/etc//passwd"), "/etc/passwd");
  EXPECT_EQ(norm("/work", "../../../../etc/./shadow"), "/etc/shadow");
  EXPECT_EQ(norm("/", ".."), "/");
  EXPECT_EQ(norm("/a/b", "."), "/a/b");
  EXPECT_EQ(norm("/a/b", "c/../../d/"), "/a/d");
}

TEST(PathText, ProcSelfBothWays) {
  Path p;
  const char* s = "/proc/4242/environ";
  ASSERT_TRUE(join_normalise("/", 1, s, strlen(s), &p));
  canonical_proc(&p, 4242, 4242);
  EXPECT_STREQ(p.buf, "/proc/self/environ");
  char out[128];
  ASSERT_TRUE(physical(p, 4242, out, sizeof out));
  EXPECT_STREQ(out, "/proc/4242/environ");
  const char* t = "/proc/thread-self/comm";
  ASSERT_TRUE(join_normalise("/", 1, t, strlen(t), &p));
  canonical_proc(&p, 10, 11);
  EXPECT_STREQ(p.buf, "/proc/self/task/11/comm");
  const char* other = "/proc/1/environ";
  ASSERT_TRUE(join_normalise("/", 1, other, strlen(other), &p));
  canonical_proc(&p, 10, 11);
  EXPECT_STREQ(p.buf, "/proc/1/environ");
  EXPECT_EQ(proc_self_fd("/proc/self/fd/12", 16), 12);
  EXPECT_EQ(proc_self_fd("/proc/self/task/5/fd/3", 22), 3);
  EXPECT_EQ(proc_self_fd("/proc/self/fdinfo/3", 19), -1);
}

TEST(PathText, SubstituteLink) {
  Path p;
  const char* s = "/work/link/file";
  ASSERT_TRUE(join_normalise("/", 1, s, strlen(s), &p));
  ASSERT_TRUE(substitute_link(&p, strlen("/work/link"), "../etc", 6));
  EXPECT_STREQ(p.buf, "/etc/file");
  ASSERT_TRUE(join_normalise("/", 1, s, strlen(s), &p));
  ASSERT_TRUE(substitute_link(&p, strlen("/work/link"), "/tmp/x", 6));
  EXPECT_STREQ(p.buf, "/tmp/x/file");
}

}  // namespace
}  // namespace interpose::hook::path_text

#include "boot.h"
#include "sandbox.h"
#include "seccomp_check.h"

namespace interpose::loader {
namespace {

uint32_t floor_says(const std::vector<sock_filter>& prog, long nr, uint64_t arg0 = 0, uint32_t arch = 0xc000003e) {
  hook::SeccompData d{};
  d.nr = static_cast<int32_t>(nr);
  d.arch = arch;
  d.args[0] = arg0;
  return hook::run_bpf(reinterpret_cast<const hook::BpfInsn*>(prog.data()), prog.size(), d);
}

TEST(Floor, StudentFloorAnswersAsThePolicy) {
  std::ifstream in(std::string(INTERPOSE_POLICIES_DIR) + "/student.json");
  std::stringstream text;
  text << in.rdbuf();
  auto p = policy::parse(text.str(), "student");
  ASSERT_TRUE(p) << p.error.message;
  SandboxOptions o;
  apply_policy_defaults(*p.value, &o);
  const auto prog = floor_program(o);
  EXPECT_LT(prog.size(), 400u);
  constexpr uint32_t kAllow = 0x7fff0000u, kErrnoPerm = 0x00050001u, kKill = 0x80000000u;
  EXPECT_EQ(floor_says(prog, SYS_read), kAllow);
  EXPECT_EQ(floor_says(prog, SYS_getppid), kAllow);
  EXPECT_EQ(floor_says(prog, SYS_socket), kErrnoPerm);
  EXPECT_EQ(floor_says(prog, SYS_ptrace), kErrnoPerm);
  EXPECT_EQ(floor_says(prog, SYS_io_uring_setup), kErrnoPerm);
  EXPECT_EQ(floor_says(prog, SYS_fork), kErrnoPerm);
  EXPECT_EQ(floor_says(prog, SYS_clone3), 0x00050000u | 38);               // ENOSYS: libc falls back to clone
  EXPECT_EQ(floor_says(prog, SYS_clone, 0x3d0f00), kAllow);                // pthread_create's flags
  EXPECT_EQ(floor_says(prog, SYS_clone, 0x01200011), kErrnoPerm);          // fork's
  EXPECT_EQ(floor_says(prog, SYS_kill, 0xffffffffffffffffull), kErrnoPerm);
  EXPECT_EQ(floor_says(prog, SYS_kill, 0x00000000ffffffffull), kErrnoPerm);
  EXPECT_EQ(floor_says(prog, SYS_kill, 1234), kAllow);
  EXPECT_EQ(floor_says(prog, SYS_openat), kAllow);          // the runtime's: paths are its job (and Landlock's)
  EXPECT_EQ(floor_says(prog, SYS_read, 0, 0x40000003), kKill);  // i386
  EXPECT_EQ(floor_says(prog, 0x40000000 + SYS_socket), 0x00050000u | 38);  // x32
  // Every number answers as never_allowed says.
  for (const policy::FloorEntry& e : o.floor) {
    if (e.nr == SYS_kill || e.nr == SYS_clone) continue;
    EXPECT_EQ(floor_says(prog, e.nr), e.errno_value < 0 ? kKill : (0x00050000u | static_cast<uint32_t>(e.errno_value)))
        << e.nr;
  }
}

// The boot filter: the runtime's gate and the launcher's cookie pass; from
// anywhere else, what the policy allows plainly passes unseen unless every call
// is to be counted (--stats), and the rest stops for the launcher.
TEST(BootFilter, PlainCallsPassUnseen) {
  std::ifstream in(std::string(INTERPOSE_POLICIES_DIR) + "/student.json");
  std::stringstream text;
  text << in.rdbuf();
  auto p = policy::parse(text.str(), "student");
  ASSERT_TRUE(p) << p.error.message;
  auto bytes = policy::compile(*p.value, {"/work", "/tmp/private", "/opt/py", "/home/u"});
  ASSERT_TRUE(bytes) << bytes.error.message;
  const auto* h = reinterpret_cast<const policy_table::Header*>(bytes.value->data());
  constexpr uint64_t kGate = 0x100000000000ull, kCookie = 0x1234567890abcdefull, kLibc = 0x7f0012345678ull;
  constexpr uint32_t kAllow = 0x7fff0000u, kNotify = 0x7fc00000u;
  auto says = [](const std::vector<sock_filter>& prog, long nr, uint64_t ip, uint64_t arg5 = 0,
                 uint32_t arch = 0xc000003e) {
    hook::SeccompData d{};
    d.nr = static_cast<int32_t>(nr);
    d.arch = arch;
    d.instruction_pointer = ip;
    d.args[5] = arg5;
    return hook::run_bpf(reinterpret_cast<const hook::BpfInsn*>(prog.data()), prog.size(), d);
  };
  const auto judged = boot_filter_program(BootFilterSpec{kGate, kCookie, false, unseen_at_boot(h)});
  EXPECT_EQ(says(judged, SYS_read, kLibc), kAllow);
  EXPECT_EQ(says(judged, SYS_mmap, kLibc), kAllow);
  EXPECT_EQ(says(judged, SYS_openat, kLibc), kNotify);  // a path to judge
  EXPECT_EQ(says(judged, SYS_socket, kLibc), kNotify);  // refused: the launcher answers
  EXPECT_EQ(says(judged, SYS_read, kLibc, 0, 0x40000003), kNotify);  // i386
  EXPECT_EQ(says(judged, 0x40000000 + SYS_read, kLibc), kNotify);  // x32
  EXPECT_EQ(says(judged, 600, kLibc), kNotify);  // past the table
  EXPECT_EQ(says(judged, SYS_socket, kGate + 0x10), kAllow);  // the runtime's gate: judged by the runtime
  EXPECT_EQ(says(judged, SYS_socket, kLibc, kCookie), kAllow);
  const auto counted = boot_filter_program(BootFilterSpec{kGate, kCookie, false, {}});
  EXPECT_EQ(says(counted, SYS_read, kLibc), kNotify);
  EXPECT_EQ(says(counted, SYS_read, kGate + 0x10), kAllow);
  // No policy: every number may pass (the launcher then installs no filter at all).
  const auto none = boot_filter_program(BootFilterSpec{kGate, kCookie, false, std::vector<bool>(512, true)});
  EXPECT_EQ(says(none, SYS_socket, kLibc), kAllow);
}

// The floor and the boot filter in one program answer every call as the two
// filters would together (the kernel takes the strictest answer of all
// filters: the lowest action as a signed number), for the shipped policies.
TEST(BootFilter, FloorAndBootInOneProgramAnswerAsTwoFilters) {
  constexpr uint64_t kGate = 0x100000000000ull, kCookie = 0x1234567890abcdefull;
  auto run = [](const std::vector<sock_filter>& prog, long nr, uint32_t arch, uint64_t ip, uint64_t arg0,
                uint64_t arg5) {
    hook::SeccompData d{};
    d.nr = static_cast<int32_t>(nr);
    d.arch = arch;
    d.instruction_pointer = ip;
    d.args[0] = arg0;
    d.args[5] = arg5;
    return hook::run_bpf(reinterpret_cast<const hook::BpfInsn*>(prog.data()), prog.size(), d);
  };
  auto strictest = [](uint32_t a, uint32_t b) {
    constexpr uint32_t kActionFull = 0xffff0000u;
    return static_cast<int32_t>(a & kActionFull) <= static_cast<int32_t>(b & kActionFull) ? a : b;
  };
  for (const char* name : {"student", "docker-default"}) {
    std::ifstream in(std::string(INTERPOSE_POLICIES_DIR) + "/" + name + ".json");
    std::stringstream text;
    text << in.rdbuf();
    auto p = policy::parse(text.str(), name);
    ASSERT_TRUE(p) << p.error.message;
    auto bytes = policy::compile(*p.value, {"/work", "/tmp/private", "/opt/py", "/home/u"});
    ASSERT_TRUE(bytes) << bytes.error.message;
    SandboxOptions o;
    apply_policy_defaults(*p.value, &o);
    const auto* h = reinterpret_cast<const policy_table::Header*>(bytes.value->data());
    for (const bool counting : {false, true}) {
      const BootFilterSpec spec{kGate, kCookie, false, counting ? std::vector<bool>() : unseen_at_boot(h)};
      const auto floor = floor_program(o), boot = boot_filter_program(spec), both = floor_program(o, &spec);
      ASSERT_LE(both.size(), size_t{BPF_MAXINSNS});
      EXPECT_LT(both.size(), floor.size() + boot.size() + 16);
      size_t checked = 0;
      for (long nr = 0; nr < 1100; ++nr) {
        for (const long n : {nr, 0x40000000 + nr}) {
          for (const uint32_t arch : {0xc000003eu, 0x40000003u}) {
            for (const uint64_t ip : std::initializer_list<uint64_t>{0x7f0012345678ull, kGate + 0x20, arena::kGateInPageZero + 8, 0x40}) {
              for (const uint64_t arg0 : {uint64_t{0x3d0f00}, uint64_t{0x01200011}, ~uint64_t{0}, uint64_t{1234}}) {
                for (const uint64_t arg5 : {uint64_t{0}, kCookie}) {
                  if (n != nr && (arch != 0xc000003eu || arg0 != 1234)) continue;  // x32: a few suffice
                  const uint32_t want = strictest(run(floor, n, arch, ip, arg0, arg5), run(boot, n, arch, ip, arg0, arg5));
                  ASSERT_EQ(run(both, n, arch, ip, arg0, arg5), want)
                      << name << " nr " << n << " arch " << std::hex << arch << " ip " << ip << " arg0 " << arg0
                      << " arg5 " << arg5;
                  ++checked;
                }
              }
            }
          }
        }
      }
      EXPECT_GT(checked, 50000u);
    }
  }
}

}  // namespace
}  // namespace interpose::loader
