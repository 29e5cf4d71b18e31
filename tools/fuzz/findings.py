"""Findings: classify a crashing input, deduplicate, minimize, write it up.

A finding is keyed (docs/fuzzing.md) by the target's violation line
(`ndisconf-violation: RULE check=CHECK event=N`: key "RULE CHECK", whatever
the event number), by a differential target's divergence line
(`ndisconf-divergence: RULE WHAT`: key "RULE divergence", whatever the
counts in WHAT) or, for anything else, by the sanitizer's or libFuzzer's
report kind plus the top three frames of its stack that are project code.
The key is computed from a fresh replay of the input alone, never from a
fuzzing log (where reports of several inputs may interleave).
"""

import hashlib
import os
import re
import shutil
import subprocess

from tools.fuzz import corpus

VIOLATION = re.compile(r"^ndisconf-violation: (\S+) check=(\S+) event=(\d+)", re.M)
DIVERGENCE = re.compile(r"^ndisconf-divergence: (\S+) ", re.M)
SANITIZER = re.compile(r"ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer|"
                       r"MemorySanitizer|ThreadSanitizer): ([A-Za-z][\w-]*(?: [a-z][\w-]*)*)")
UBSAN = re.compile(r"SUMMARY: UndefinedBehaviorSanitizer: ([\w-]+)")
FRAME = re.compile(r"^\s*#(\d+) 0x[0-9a-f]+ in (.+?)(?: /| \(|$)", re.M)
# Frames of the runtimes and the C library, not of the code under test.
SKIP_FRAME = re.compile(r"^(__sanitizer|__asan|__ubsan|__lsan|__interceptor|__GI_|__libc|"
                        r"fuzzer::|abort$|raise$|malloc$|calloc$|realloc$|free$|operator new|"
                        r"operator delete|LLVMFuzzerTestOneInput$|main$|_start$)")


class Finding:
    """A classified report: label (rule ID or report kind), key, report text."""

    def __init__(self, label, key, report, rule=None, check=None):
        self.label = label
        self.key = key
        self.report = report
        self.rule = rule
        self.check = check

    @property
    def id(self):
        return "%s_%s" % (self.label, hashlib.sha1(self.key.encode()).hexdigest()[:8])


def top_frames(report, count=3):
    """The first `count` project frames of the first stack in `report`."""
    frames = []
    last = -1
    for m in FRAME.finditer(report):
        n = int(m.group(1))
        if n <= last:
            break  # a second stack (allocation, free): not the error's
        last = n
        fn = re.sub(r"\(.*", "", m.group(2)).strip()
        if fn and not SKIP_FRAME.match(fn):
            frames.append(fn)
        if len(frames) == count:
            break
    return frames


def classify(report, exit_code):
    """The Finding a replay's stderr shows, or None if it shows none."""
    m = VIOLATION.search(report)
    if m:
        return Finding(m.group(1), "violation %s %s" % (m.group(1), m.group(2)), report,
                       rule=m.group(1), check=m.group(2))
    m = DIVERGENCE.search(report)
    if m:
        return Finding(m.group(1), "divergence %s" % m.group(1), report, rule=m.group(1),
                       check="divergence")
    kind = None
    m = SANITIZER.search(report)
    if m:
        kind = m.group(2).split(" on ")[0]
        if m.group(1) == "LeakSanitizer":
            kind = "leak"
        kind = re.sub(r"[^A-Za-z0-9]+", "-", kind).strip("-").lower()
    else:
        m = UBSAN.search(report)
        if m:
            kind = "ubsan-" + m.group(1)
        elif exit_code != 0:
            kind = "exit-%d" % exit_code if exit_code > 0 else "signal-%d" % -exit_code
    if kind is None:
        return None
    return Finding(kind, "%s %s" % (kind, " ".join(top_frames(report))), report)


class Target:
    """A fuzz target's binaries: fuzzer (libFuzzer), optional text tool."""

    def __init__(self, name, fuzzer, text=None, transitions=None, env=None, timeout=60):
        self.name = name
        self.fuzzer = fuzzer
        self.text = text
        self.transitions = transitions
        self.env = env or dict(os.environ)
        self.timeout = timeout

    def replay(self, path):
        """Runs one input alone; returns the Finding it shows, or None."""
        try:
            p = subprocess.run([self.fuzzer, "-runs=1", "-timeout=%d" % self.timeout, path],
                               env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               timeout=self.timeout * 3, start_new_session=True)
        except subprocess.TimeoutExpired:
            return Finding("timeout", "timeout", "")
        return classify(p.stdout.decode(errors="replace"), p.returncode)

    def to_text(self, path):
        """The readable program of binary input `path`, or None."""
        if not self.text:
            return None
        p = subprocess.run([self.text, "print", path], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, timeout=60)
        return p.stdout.decode(errors="replace") if p.returncode == 0 else None

    def from_text(self, text, out, scratch):
        """Parses `text` into binary input `out`; True on success."""
        src = os.path.join(scratch, "candidate.txt")
        with open(src, "w") as f:
            f.write(text)
        p = subprocess.run([self.text, "parse", src, out], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=60)
        return p.returncode == 0


DEFINES = re.compile(r"^\s*(r\d+)\s*=")
REFERS = re.compile(r"\b(r\d+)\b")


def event_lines(text):
    """The event lines of a program text (comments and blank lines dropped)."""
    return [l for l in text.splitlines() if l.strip() and not l.lstrip().startswith("#")]


def without(lines, drop):
    """`lines` minus the indexes in `drop` and every line that refers, directly
    or through other results, to a result a dropped line defines."""
    gone = set(drop)
    dead = set()
    out = []
    for i, line in enumerate(lines):
        d = DEFINES.match(line)
        body = line[d.end():] if d else line
        if i in gone or any(r in dead for r in REFERS.findall(body)):
            if d:
                dead.add(d.group(1))
            continue
        out.append(line)
    return out


def minimize_text(target, finding, text, scratch, budget=400):
    """Deletes events (each with its dependents) while the input still shows
    the same finding key; returns (text, binary path) of the smallest found."""
    lines = event_lines(text)
    best = os.path.join(scratch, "best.bin")
    cand = os.path.join(scratch, "candidate.bin")
    if not target.from_text("\n".join(lines) + "\n", best, scratch):
        return None
    runs = 0
    chunk = max(1, len(lines) // 2)
    while runs < budget:
        changed = False
        i = len(lines) - chunk
        while i >= 0 and runs < budget:
            trial = without(lines, range(i, i + chunk))
            runs += 1
            if target.from_text("\n".join(trial) + "\n", cand, scratch):
                f = target.replay(cand)
                if f is not None and f.key == finding.key:
                    lines = trial
                    shutil.copyfile(cand, best)
                    changed = True
            i = min(i - chunk, len(lines) - chunk)
        if not changed:
            if chunk == 1:
                break
            chunk //= 2
    return "\n".join(lines) + "\n", best


def minimize_bytes(target, finding, path, scratch, seconds=30):
    """libFuzzer -minimize_crash, kept only if the result shows the same key."""
    out = os.path.join(scratch, "minimized.bin")
    subprocess.run([target.fuzzer, "-minimize_crash=1", "-max_total_time=%d" % seconds,
                    "-exact_artifact_path=" + out, path], env=target.env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   timeout=seconds * 4, start_new_session=True)
    if os.path.exists(out):
        f = target.replay(out)
        if f is not None and f.key == finding.key:
            return out
    return path


REGRESSION_CC = """\
// Generated by `bazel run //tools/fuzz` (tools/fuzz/findings.py): a regression
// test for a finding of the {target} fuzz target:
// {what}.
// Found with NDISCONF_IMPL={impl}; its input is {base}.bin beside this file.
{readable}//
// It runs the input through the target in a child process and expects a clean
// exit: it fails while the implementation under test (NDISCONF_IMPL, default
// reference) still shows the finding. Declared by ndisconf_fuzz_test
// (fuzz/fuzz.bzl), which globs fuzz/regressions/.
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) __attribute__((weak));

namespace {{

// Initializes the target as libFuzzer would and runs the input once; exits 0
// unless the target aborts (a violation) or a sanitizer stops it.
[[noreturn]] void RunInput(const std::vector<uint8_t>& bytes) {{
  char arg0[] = "{base}";
  char* args[] = {{arg0, nullptr}};
  int argc = 1;
  char** argv = args;
  if (LLVMFuzzerInitialize != nullptr) LLVMFuzzerInitialize(&argc, &argv);
  LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
  std::exit(0);
}}

}}  // namespace

TEST({suite}, {name}) {{
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  ASSERT_NE(srcdir, nullptr);
  ASSERT_NE(workspace, nullptr);
  const std::string path = std::string(srcdir) + "/" + workspace + "/fuzz/regressions/{base}.bin";
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in.is_open()) << path;
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                   std::istreambuf_iterator<char>());
  EXPECT_EXIT(RunInput(bytes), ::testing::ExitedWithCode(0), "");
}}
"""


def camel(name):
    return "".join(p[:1].upper() + p[1:] for p in re.split(r"[^A-Za-z0-9]+", name) if p)


def clang_format(source, repo):
    """`source` formatted with the project's .clang-format, if clang-format
    and repo are available; else unchanged."""
    if not repo or not shutil.which("clang-format"):
        return source
    p = subprocess.run(["clang-format", "--style=file", "--assume-filename=" +
                        os.path.join(repo, "fuzz", "regressions", "x.cc")],
                       input=source.encode(), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    return p.stdout.decode() if p.returncode == 0 else source


def write_finding(target, finding, original, folder, impl, scratch, minimize=True, repo=None):
    """Minimizes `original` and writes the finding's files into `folder`
    (atomically: built in a temp folder, then renamed). Returns folder."""
    tmp = folder + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    os.makedirs(scratch, exist_ok=True)
    text = target.to_text(original)
    minimized, readable = original, text
    if minimize and text is not None:
        r = minimize_text(target, finding, text, scratch)
        if r is not None:
            readable, minimized = r
    elif minimize:
        minimized = minimize_bytes(target, finding, original, scratch)
    final = target.replay(minimized) or finding
    shutil.copyfile(original, os.path.join(tmp, "original"))
    shutil.copyfile(minimized, os.path.join(tmp, "input"))
    with open(os.path.join(tmp, "key.txt"), "w") as f:
        f.write(finding.key + "\n")
    with open(os.path.join(tmp, "report.txt"), "w") as f:
        f.write(final.report)
    if readable is not None:
        with open(os.path.join(tmp, "reproducer.txt"), "w") as f:
            f.write(readable)
    base = "%s_%s" % (target.name, finding.id)
    with open(os.path.join(tmp, "replay.txt"), "w") as f:
        f.write("NDISCONF_IMPL=%s bazel run --config=fuzz //fuzz:%s_fuzzer -- %s\n" %
                (impl, target.name, os.path.join(folder, "input")))
    if finding.check == "divergence":
        what = "a divergence from the reference (%s)" % finding.rule
    elif finding.rule:
        what = "a violation of %s (monitor check %s)" % (finding.rule, finding.check)
    else:
        what = "a %s report (%s)" % (finding.label, finding.key)
    quoted = ""
    if readable is not None:
        quoted = "// Readable form (bazel run //fuzz:%s_text -- print FILE):\n" % target.name
        quoted += "".join("//   %s\n" % l for l in event_lines(readable))
    reg = os.path.join(tmp, "regression")
    os.makedirs(reg)
    shutil.copyfile(minimized, os.path.join(reg, base + ".bin"))
    with open(os.path.join(reg, base + "_regression_test.cc"), "w") as f:
        f.write(clang_format(REGRESSION_CC.format(
            target=target.name, what=what, impl=impl, base=base, readable=quoted,
            suite=camel(target.name) + "Regression", name=camel(finding.id)), repo))
    shutil.rmtree(folder, ignore_errors=True)
    os.rename(tmp, folder)
    corpus._fsync_dir(os.path.dirname(folder))
    return folder
