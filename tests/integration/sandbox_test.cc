// The policy engine and the launcher's sandbox options, from the command line:
// bad policies, the event log, --trace, the resource and environment options,
// the shipped policies.  (The attack and benign suites are tests/attacks/.)
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "harness.h"

namespace interpose::test {
namespace {

int lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

std::string fresh_dir(const std::string& name) {
  const std::string d = temp_path(name);
  mkdir(d.c_str(), 0777);
  return d;
}

std::string write_policy(const std::string& name, const std::string& text) {
  const std::string path = temp_path(name + ".json");
  std::ofstream(path) << text;
  return path;
}

std::vector<std::string> jsonl(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

TEST(Policy, BadPoliciesGetOneLineAndStatus119) {
  const std::string bad_json = write_policy("bad", "{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n \"syscalls\": [");
  const std::string unknown = write_policy(
      "unknown", R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["opne"], "action": "SCMP_ACT_ERRNO"}]})");
  const std::string contradiction = write_policy("contra", R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
      {"names": ["socket"], "action": "SCMP_ACT_ALLOW"}, {"names": ["socket"], "action": "SCMP_ACT_KILL"}]})");
  struct Case {
    std::string policy, expect;
  } const cases[] = {
      {bad_json, "not valid JSON"},
      {unknown, "/syscalls/0/names/0: unknown syscall \"opne\""},
      {contradiction, "/syscalls/1: syscall socket is given another answer at /syscalls/0"},
      {temp_path("missing.json"), "No such file"},
      {"no-such-policy", "no such shipped policy (docker-default, student, trace)"},
  };
  for (const Case& c : cases) {
    RunResult r = run({interpose_bin(), "--policy", c.policy, "--", "/bin/echo", "never"});
    EXPECT_EQ(r.status, 119) << c.policy << ": " << r.err;
    EXPECT_EQ(lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find(c.expect), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "") << "the program must not have run";
  }
}

TEST(Policy, LogHasOneJsonLinePerDenialAndASummary) {
  const std::string wd = fresh_dir("wd");
  const std::string log = temp_path("events.jsonl");
  RunResult r = run({interpose_bin(), "--policy", "student", "--workdir", wd, "--log", log, "--", "python3", "-c",
                     "import socket\n"
                     "try: open('/etc/shadow')\nexcept OSError as e: print(e.errno)\n"
                     "try: socket.socket()\nexcept OSError as e: print(e.errno)\n"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "2\n1\n");
  const auto events = jsonl(read_file(log));
  ASSERT_GE(events.size(), 3u);
  bool shadow = false, socket = false;
  for (const std::string& e : events) {
    if (e.find("\"path\":\"/etc/shadow\"") != std::string::npos) {
      shadow = true;
      EXPECT_NE(e.find("\"decision\":\"errno\",\"errno\":\"ENOENT\""), std::string::npos) << e;
      EXPECT_NE(e.find("\"rule\":\"/interpose/paths/hidden/0"), std::string::npos) << e;
      EXPECT_NE(e.find("\"syscall\":\"openat\""), std::string::npos) << e;
    }
    if (e.find("\"syscall\":\"socket\"") != std::string::npos) {
      socket = true;
      EXPECT_NE(e.find("\"errno\":\"EPERM\""), std::string::npos) << e;
      EXPECT_NE(e.find("\"args\":[2,\"0x80001\",0]"), std::string::npos) << e;  // AF_INET, SOCK_STREAM|SOCK_CLOEXEC
      EXPECT_NE(e.find("\"pid\":"), std::string::npos);
      EXPECT_NE(e.find("\"tid\":"), std::string::npos);
      EXPECT_NE(e.find("\"time\":"), std::string::npos);
    }
  }
  EXPECT_TRUE(shadow && socket) << read_file(log);
  EXPECT_NE(events.back().find("\"summary\":true"), std::string::npos) << events.back();
}

TEST(Policy, TracePolicyLogsEveryCall) {
  const std::string log = temp_path("trace.jsonl");
  RunResult r = run({interpose_bin(), "--policy", "trace", "--log", log, "--", program("syscall_mix")});
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string text = read_file(log);
  EXPECT_NE(text.find("\"syscall\":\"getppid\""), std::string::npos);
  EXPECT_NE(text.find("\"decision\":\"allow\""), std::string::npos);
  EXPECT_EQ(text.find("\"decision\":\"errno\""), std::string::npos);
}

TEST(Policy, TraceIsStraceLike) {
  const std::string out = temp_path("trace.txt");
  RunResult r = run({interpose_bin(), "--trace=" + out, "--", "/bin/echo", "traced"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "traced\n");
  const std::string text = read_file(out);
  EXPECT_NE(text.find("write(1, \"traced\\n\", 7) = 7\n"), std::string::npos) << text;
  EXPECT_NE(text.find(") = 7\n"), std::string::npos) << text;  // "traced\n"
  EXPECT_NE(text.find("exit_group(0) = ?"), std::string::npos) << text;
  // Failures read as strace shows them.
  r = run({interpose_bin(), "--trace=" + out, "--", "/bin/cat", "/nonexistent-file"});
  EXPECT_NE(read_file(out).find("openat(AT_FDCWD, \"/nonexistent-file\", 0, 0) = -1 ENOENT\n"), std::string::npos) << read_file(out);
}

TEST(Sandbox, TimeoutKillsTheProcessGroup) {
  RunResult r = run({interpose_bin(), "--timeout", "0.5", "--", "/bin/sh", "-c", "sleep 30; echo late"});
  EXPECT_EQ(r.status, 124) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("timeout"), std::string::npos) << r.err;
}

TEST(Sandbox, CleanEnvAndEnv) {
  RunOptions o;
  o.env = {"GRADER_SECRET=hunter2"};
  RunResult r = run({interpose_bin(), "--clean-env", "--env", "ANSWER=42", "--", "/usr/bin/env"}, o);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.find("GRADER_SECRET"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ANSWER=42\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("PATH="), std::string::npos) << r.out;
  // The runtime's own variables are not the program's to see.
  EXPECT_EQ(r.out.find("INTERPOSE"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("LD_PRELOAD"), std::string::npos) << r.out;
  // Without --clean-env everything is inherited.
  r = run({interpose_bin(), "--", "/usr/bin/env"}, o);
  EXPECT_NE(r.out.find("GRADER_SECRET=hunter2"), std::string::npos);
}

TEST(Sandbox, WorkdirPrivateTmpLimitsAndNoNewPrivs) {
  const std::string wd = fresh_dir("work");
  RunResult r = run({interpose_bin(), "--workdir", wd, "--nofile", "64", "--fsize", "1M", "--", "/bin/sh", "-c",
                     "pwd; echo $TMPDIR; touch $TMPDIR/x && echo tmp-writable; ulimit -n; ulimit -f; ulimit -c; "
                     "grep NoNewPrivs /proc/self/status; ps -o sid= -p $$ | tr -d ' '; echo $$"});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto l = jsonl(r.out);
  ASSERT_GE(l.size(), 9u) << r.out;
  EXPECT_EQ(l[0], wd);
  EXPECT_EQ(l[1].rfind("/tmp/interpose-", 0), 0u) << l[1];
  EXPECT_EQ(l[2], "tmp-writable");
  EXPECT_EQ(l[3], "64");
  EXPECT_EQ(l[4], "2048");  // 1 MiB in the shell's 512-byte blocks
  EXPECT_EQ(l[5], "0");     // no core dumps
  EXPECT_NE(l[6].find("1"), std::string::npos) << l[6];
  EXPECT_EQ(l[7], l[8]) << "the program leads a session of its own";
  struct stat st;
  EXPECT_NE(stat(l[1].c_str(), &st), 0) << "the private tmp is removed at exit";
}

TEST(Sandbox, MemLimit) {
  RunResult r = run({interpose_bin(), "--mem", "256M", "--", "python3", "-c",
                     "try:\n b = bytearray(512 << 20)\n print('allocated')\nexcept MemoryError:\n print('refused')"});
  EXPECT_EQ(r.out, "refused\n") << r.err;
}

TEST(Sandbox, BadOptionValues) {
  RunResult r = run({interpose_bin(), "--mem", "lots", "--", "/bin/true"});
  EXPECT_EQ(r.status, 125);
  EXPECT_EQ(lines(r.err), 1) << r.err;
  r = run({interpose_bin(), "--workdir", "/nonexistent-dir", "--", "/bin/true"});
  EXPECT_EQ(r.status, 125);
  EXPECT_EQ(lines(r.err), 1) << r.err;
  r = run({interpose_bin(), "--log", temp_path("x.jsonl"), "--", "/bin/true"});
  EXPECT_EQ(r.status, 125) << "--log without a policy has nothing to log";
  r = run({interpose_bin(), "--policy", "student", "--mode", "ptrace", "--", "/bin/true"});
  EXPECT_EQ(r.status, 120) << r.err;
  EXPECT_EQ(lines(r.err), 1) << r.err;
}

TEST(Policy, DockerDefault) {
  RunResult r = run({interpose_bin(), "--policy", "docker-default", "--", "python3", "-c",
                     "import os, socket, ctypes\n"
                     "socket.socket(); print('socket ok')\n"
                     "print(open('/etc/hostname').read() != '')\n"
                     "libc = ctypes.CDLL(None, use_errno=True)\n"
                     "print('unshare', libc.unshare(0x20000), ctypes.get_errno())\n"
                     "print('personality', libc.personality(0x0400000), ctypes.get_errno())\n"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "socket ok\nTrue\nunshare -1 1\npersonality -1 1\n");
}

TEST(Policy, ProcessAndThreadLimits) {
  const std::string policy = write_policy(
      "limits", R"({"defaultAction": "SCMP_ACT_ALLOW", "interpose": {"limits": {"processes": 2, "threads": 4}}})");
  RunResult r = run({interpose_bin(), "--policy", policy, "--", "python3", "-c",
                     "import os, threading, time\n"
                     "kids = []\n"
                     "for i in range(3):\n"
                     "  try:\n"
                     "    pid = os.fork()\n"
                     "    if pid == 0:\n"
                     "      time.sleep(0.3); os._exit(0)\n"
                     "    kids.append(pid); print('forked', i)\n"
                     "  except OSError as e: print('refused', i, e.errno)\n"
                     "for k in kids: os.waitpid(k, 0)\n"
                     "pid = os.fork()\n"
                     "if pid == 0: os._exit(0)\n"
                     "os.waitpid(pid, 0); print('reaped children free their places')\n"
                     "ts = []\n"
                     "for i in range(4):\n"
                     "  try:\n"
                     "    t = threading.Thread(target=time.sleep, args=(0.3,)); t.start(); ts.append(t); print('thread', i)\n"
                     "  except RuntimeError: print('thread', i, 'refused')\n"
                     "for t in ts: t.join()\n"
                     "t = threading.Thread(target=print, args=('ended threads free theirs',)); t.start(); t.join()\n"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out,
            "forked 0\nforked 1\nrefused 2 11\nreaped children free their places\nthread 0\nthread 1\nthread 2\n"
            "thread 3 refused\nended threads free theirs\n");
}

TEST(Policy, StudentRefusesAProcessWithACatchableError) {
  const std::string wd = fresh_dir("wd");
  RunResult r = run({interpose_bin(), "--policy", "student", "--workdir", wd, "--", "python3", "-c",
                     "import subprocess\n"
                     "try:\n subprocess.run(['/bin/true'])\nexcept PermissionError as e:\n print('refused', e.errno)\n"
                     "import threading\n"
                     "t = threading.Thread(target=lambda: print('thread ran')); t.start(); t.join()\n"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "refused 1\nthread ran\n");
}

}  // namespace
}  // namespace interpose::test
