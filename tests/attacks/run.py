#!/usr/bin/env python3
"""The attack and benign suites: each threat of the seeds' defense matrix and
red-team rounds as a small program that must succeed natively and be blocked
under `interpose --policy student`, and benign programs that must behave under
the policy exactly as they do natively.

    run.py --interpose build/bin/interpose --bin build/tests/attacks [--only NAME ...] [-v]

Every program is run twice in a fresh working directory: natively, then under
the policy.  An attack passes when its native run printed ATTACK-SUCCEEDED and
its sandboxed run did not, and either printed ATTACK-BLOCKED (a refusal the
program saw) or ended the way its header says (`# expect: killed[:status]`).
A benign program passes when both runs exit 0, print BENIGN-OK and (unless its
header says `# compare: no`) print the same thing.

Headers a program may carry: `# threat:`/`# benign:` (what it is), `# expect:`,
`# options:` (more interpose options), `# needs: root` (skipped otherwise).
The last line is "N passed, M failed".
"""
import argparse
import os
import pathlib
import re
import secrets
import shlex
import shutil
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
SANDBOX_FAILURES = {118, 119, 120, 121, 122, 123, 125}  # interpose's own failures (exit_codes.h)


def headers(path):
    out = {}
    for line in path.read_text().splitlines()[:12]:
        m = re.match(r"\s*(?:#|//)\s*(threat|benign|expect|options|needs|compare):\s*(.*)", line)
        if m:
            out[m.group(1)] = m.group(2).strip()
    return out


class Grader:
    """What the attacks go after: a secret file in /tmp, and a process whose
    environment and command line hold the secret."""

    def __init__(self):
        self.secret = "grader-secret-" + secrets.token_hex(8)
        self.dir = tempfile.mkdtemp(prefix="interpose-grader-", dir="/tmp")
        self.file = os.path.join(self.dir, "expected_output.txt")
        with open(self.file, "w") as f:
            f.write(self.secret + "\n")
        env = dict(os.environ, GRADER_SECRET=self.secret)
        self.proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(3600)", self.secret], env=env,
                                     stdin=subprocess.DEVNULL, start_new_session=True)

    def close(self):
        self.proc.kill()
        self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def workdir_for(program, bin_dir, grader):
    d = pathlib.Path(tempfile.mkdtemp(prefix="interpose-attack-", dir="/tmp"))
    if program.suffix == ".py":
        shutil.copy(program, d / program.name)
        shutil.copy(HERE / "py" / "attacklib.py", d / "attacklib.py")
    else:
        shutil.copy(bin_dir / program.stem, d / program.stem)
    for lib in bin_dir.glob("*.so"):
        shutil.copy(lib, d / lib.name)
    static = bin_dir / "static_socket"
    if static.exists():
        shutil.copy(static, d / "static_socket")
    os.symlink(grader.file, d / "planted")
    os.symlink(grader.dir, d / "evil")
    (d / "input.txt").write_text("the quick brown fox jumps over the lazy dog\n")
    (d / "input.json").write_text('{"items": [{"name": "b", "value": 2}, {"name": "a", "value": 40}]}\n')
    return d


def run(argv, cwd, env, timeout=120):
    # A session of its own natively too: a program signalling its process group
    # (kill(0, ...)) must not reach the runner.
    p = subprocess.run(argv, cwd=cwd, env=env, input=b"one two three\n", capture_output=True, timeout=timeout,
                       start_new_session=True)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def command(program, workdir, grader):
    args = [grader.file, grader.secret, str(grader.proc.pid)]
    if program.suffix == ".py":
        return ["python3", str(workdir / program.name)] + args
    return [str(workdir / program.stem)] + args


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--interpose", required=True, type=lambda p: str(pathlib.Path(p).resolve()))
    ap.add_argument("--bin", required=True, help="where the C attacks and benign programs were built")
    ap.add_argument("--policy", default="student")
    ap.add_argument("--only", nargs="*", default=[])
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()
    bin_dir = pathlib.Path(a.bin)
    programs = sorted(p for p in (HERE / "py").glob("*.py") if p.name != "attacklib.py")
    programs += sorted((HERE / "c").glob("*.c"))
    programs = [(p, "attack") for p in programs if p.stem not in ("static_socket", "early_lib")]
    programs += [(p, "benign") for p in sorted((HERE / "benign").glob("*.[pc]*"))]
    if a.only:
        programs = [(p, k) for p, k in programs if p.stem in a.only]
    is_root = os.geteuid() == 0
    grader = Grader()
    env = dict(os.environ, GRADER_SECRET=grader.secret)
    passed = failed = skipped = 0
    try:
        for program, kind in programs:
            h = headers(program)
            name = f"{kind}/{program.stem}"
            if h.get("needs") == "root" and not is_root:
                print(f"SKIP {name}: needs root")
                skipped += 1
                continue
            wd = workdir_for(program, bin_dir, grader)
            n_status, n_out, n_err = run(command(program, wd, grader), wd, env)
            shutil.rmtree(wd, ignore_errors=True)
            wd = workdir_for(program, bin_dir, grader)
            sandboxed = [a.interpose, "--policy", a.policy] + shlex.split(h.get("options", "")) + ["--"]
            s_status, s_out, s_err = run(sandboxed + command(program, wd, grader), wd, env)
            shutil.rmtree(wd, ignore_errors=True)
            problems = []
            if "ATTACK-UNAVAILABLE" in n_out:
                # The machine cannot show the attack succeeding (a kernel without
                # the feature): nothing to compare.
                print(f"SKIP {name}: {n_out.split('ATTACK-UNAVAILABLE', 1)[1].strip()}")
                skipped += 1
                continue
            if kind == "attack":
                expect = h.get("expect", "blocked")
                if "ATTACK-SUCCEEDED" not in n_out:
                    problems.append(f"did not succeed natively (status {n_status}): {n_out.strip()[-200:]} {n_err.strip()[-300:]}")
                if "ATTACK-SUCCEEDED" in s_out:
                    problems.append("SUCCEEDED under the policy: " + s_out.strip()[-300:])
                if s_status in SANDBOX_FAILURES:
                    problems.append(f"interpose itself failed (status {s_status}): {s_err.strip()[-300:]}")
                if expect == "blocked" and "ATTACK-BLOCKED" not in s_out:
                    problems.append(f"no ATTACK-BLOCKED under the policy (status {s_status}): {s_out.strip()[-200:]} {s_err.strip()[-300:]}")
                if expect.startswith("killed"):
                    want = expect.split(":")[1] if ":" in expect else None
                    if s_status == 0 or (want is not None and s_status != int(want)):
                        problems.append(f"expected to be killed ({expect}), status {s_status}")
                how = next((l for l in s_out.splitlines() if "ATTACK-BLOCKED" in l), f"status {s_status}")
                verdict = f"natively succeeded; under {a.policy}: {how.replace('ATTACK-BLOCKED ', 'blocked: ')[:150]}"
            else:
                if n_status != 0 or "BENIGN-OK" not in n_out:
                    problems.append(f"fails natively (status {n_status}): {n_err.strip()[-300:]}")
                if s_status != 0 or "BENIGN-OK" not in s_out:
                    problems.append(f"fails under the policy (status {s_status}): {s_out.strip()[-200:]} {s_err.strip()[-500:]}")
                elif h.get("compare", "yes") != "no" and s_out != n_out:
                    problems.append(f"output differs from the native run:\n  native:    {n_out[:300]!r}\n  sandboxed: {s_out[:300]!r}")
                verdict = f"same output as natively ({len(s_out)} bytes)" if h.get("compare", "yes") != "no" else "works"
            if problems:
                failed += 1
                print(f"FAIL {name}: " + "; ".join(problems))
            else:
                passed += 1
                print(f"PASS {name}: {verdict}")
            if a.verbose:
                print(f"     threat: {h.get('threat', h.get('benign', ''))}\n     native: {n_out.strip()[:200]!r}\n"
                      f"     sandboxed ({s_status}): {s_out.strip()[:200]!r} {s_err.strip()[:200]!r}")
            sys.stdout.flush()
    finally:
        grader.close()
    if skipped:
        print(f"({skipped} skipped: they cannot succeed natively on this machine)")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
