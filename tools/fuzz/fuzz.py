"""bazel run //tools/fuzz -- [TARGET...|all] --jobs=N --time=DURATION --workdir=DIR
                          [--engine=libfuzzer|afl] [--impl=NAME] [options]

One fuzzing campaign over the project's fuzz targets (docs/fuzzing.md):
builds them (--config=fuzz, and --config=afl for --engine=afl), runs N jobs,
prints a progress line every few seconds and a summary, deduplicates and
minimizes findings and writes for each a readable reproducer, a replay
command and a GoogleTest regression test, merges the new inputs that add
coverage into corpora/<target>/ atomically, and writes coverage reports.
The work directory survives SIGKILL; running the same command again resumes
it (working corpus, findings, an interrupted merge).

Written in Python 3 (standard library only) rather than C++: it is
orchestration (processes, process groups, files, bazel), links nothing of
the model, and the standard library covers it; tests: //tools/fuzz:all.

Exit status: 0 no finding, 1 findings (listed in the summary), 2 usage,
build or I/O error.
"""

import argparse
import fcntl
import os
import re
import shutil
import subprocess
import sys
import time

from tools.fuzz import corpus as corpus_lib
from tools.fuzz import engines
from tools.fuzz import findings as findings_lib

TOOLS = ("text", "transitions", "random_walk")


class UsageError(Exception):
    pass


def parse_duration(text):
    """'90', '90s', '15m', '2h', '1h30m' -> seconds (int > 0)."""
    m = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?", text or "")
    if not m or not any(m.groups()):
        raise UsageError("--time: not a duration: %r (e.g. 90, 90s, 15m, 2h)" % text)
    h, mi, s = (int(g or 0) for g in m.groups())
    total = h * 3600 + mi * 60 + s
    if total <= 0:
        raise UsageError("--time must be positive")
    return total


def user_path(path):
    """A path as the user meant it under `bazel run` (cli::UserPath)."""
    base = os.environ.get("BUILD_WORKING_DIRECTORY", "")
    return path if os.path.isabs(path) or not base else os.path.join(base, path)


def parse_args(argv):
    p = argparse.ArgumentParser(prog="bazel run //tools/fuzz --", description=__doc__.split("\n\n")[1],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("targets", nargs="*", metavar="TARGET", help="fuzz target names, or all (default)")
    p.add_argument("--jobs", type=int, default=1, help="parallel fuzzing processes (default 1)")
    p.add_argument("--time", default="10m", help="campaign wall time: 90, 90s, 15m, 2h (default 10m)")
    p.add_argument("--workdir", default=None, help="work directory (default out/fuzz/campaign)")
    p.add_argument("--engine", choices=("libfuzzer", "afl"), default="libfuzzer")
    p.add_argument("--impl", default=os.environ.get("NDISCONF_IMPL") or "reference",
                   help="implementation under test (NDISCONF_IMPL; default reference)")
    p.add_argument("--bin-dir", default=None,
                   help="take TARGET_fuzzer (and TARGET_text, ...) from this folder, build nothing")
    p.add_argument("--progress", type=float, default=5, help="seconds between progress lines")
    p.add_argument("--minimize", dest="minimize", action="store_true", default=True)
    p.add_argument("--no-minimize", dest="minimize", action="store_false",
                   help="keep findings as found")
    p.add_argument("--no-merge", action="store_true", help="do not merge into corpora/")
    p.add_argument("--no-coverage", action="store_true", help="skip the coverage reports")
    p.add_argument("--repo", default=None, help="the project root (default: the workspace)")
    a = p.parse_args(argv)
    if a.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if a.progress <= 0:
        raise UsageError("--progress must be positive")
    a.seconds = parse_duration(a.time)
    a.repo = os.path.abspath(user_path(a.repo) if a.repo else
                             os.environ.get("BUILD_WORKSPACE_DIRECTORY") or os.getcwd())
    a.workdir = os.path.abspath(user_path(a.workdir) if a.workdir else
                                os.path.join(a.repo, "out", "fuzz", "campaign"))
    a.bin_dir = os.path.abspath(user_path(a.bin_dir)) if a.bin_dir else None
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", a.impl):
        raise UsageError("--impl: not an implementation name: %r" % a.impl)
    for t in a.targets:
        if t != "all" and not re.fullmatch(r"[a-z0-9_]+", t):
            raise UsageError("not a target name: %r" % t)
    return a


def log(msg):
    print("fuzz: " + msg, flush=True)


def bazel(repo, args, capture=True):
    p = subprocess.run(["bazel"] + args, cwd=repo, stdout=subprocess.PIPE if capture else None,
                       stderr=subprocess.DEVNULL if capture else None)
    if p.returncode != 0:
        raise UsageError("bazel %s failed (exit %d)" % (" ".join(args), p.returncode))
    return p.stdout.decode() if capture else ""


def query_names(repo, suffix_re):
    out = bazel(repo, ["query", "--noshow_progress", 'attr(name, "%s", //fuzz:*)' % suffix_re])
    return sorted(l.split(":", 1)[1] for l in out.split() if ":" in l)


def discover(a):
    """{target: {kind: binary path or label}}: fuzzer, afl, text, ..."""
    found = {}
    if a.bin_dir:
        for n in sorted(os.listdir(a.bin_dir)):
            if n.endswith("_fuzzer"):
                found[n[:-len("_fuzzer")]] = {}
        names = set(os.listdir(a.bin_dir))
        for t, kinds in found.items():
            for k in ("fuzzer", "afl") + TOOLS:
                if t + "_" + k in names:
                    kinds[k] = os.path.join(a.bin_dir, t + "_" + k)
    else:
        for n in query_names(a.repo, "_fuzzer$"):
            found[n[:-len("_fuzzer")]] = {}
        tools = set(query_names(a.repo, "_(%s|afl)$" % "|".join(TOOLS)))
        for t, kinds in found.items():
            kinds["fuzzer"] = "//fuzz:%s_fuzzer" % t
            for k in ("afl",) + TOOLS:
                if "%s_%s" % (t, k) in tools:
                    kinds[k] = "//fuzz:%s_%s" % (t, k)
    wanted = a.targets or ["all"]
    if "all" in wanted:
        return found
    missing = [t for t in wanted if t not in found]
    if missing:
        raise UsageError("no fuzz target %s (known: %s)" % (", ".join(missing), ", ".join(found)))
    return {t: found[t] for t in wanted}


def build(a, targets):
    """Builds what the campaign runs; replaces labels by binary paths."""
    if a.bin_dir:
        for t, kinds in targets.items():
            if a.engine == "afl" and "afl" not in kinds:
                raise UsageError("--engine=afl: no %s_afl in --bin-dir" % t)
        return
    labels = [l for kinds in targets.values() for k, l in kinds.items() if k != "afl"]
    log("building %d binaries under --config=fuzz" % len(labels))
    bazel(a.repo, ["build", "--config=fuzz"] + labels, capture=False)
    bin_dir = bazel(a.repo, ["info", "--config=fuzz", "bazel-bin"]).strip()
    afl_bin = None
    if a.engine == "afl":
        afl = [kinds["afl"] for kinds in targets.values() if "afl" in kinds]
        if len(afl) != len(targets):
            raise UsageError("--engine=afl: some targets have no _afl binary")
        log("building %d AFL++ binaries under --config=afl" % len(afl))
        bazel(a.repo, ["build", "--config=afl"] + afl, capture=False)
        afl_bin = bazel(a.repo, ["info", "--config=afl", "bazel-bin"]).strip()
    for t, kinds in targets.items():
        for k in list(kinds):
            if k == "afl" and afl_bin is None:
                del kinds[k]  # not built: the campaign runs libFuzzer
                continue
            base = afl_bin if k == "afl" else bin_dir
            kinds[k] = os.path.join(base, "fuzz", "%s_%s" % (t, k))


def seed_dirs(a, t):
    """Committed corpus folder and the other seed folders //corpora:t takes."""
    own = os.path.join(a.repo, "corpora", t)
    dirs = []
    if not a.bin_dir:
        out = bazel(a.repo, ["query", "--noshow_progress",
                             "kind('source file', deps(//corpora:%s))" % t])
        for label in out.split():
            m = re.match(r"//([^:]*):(.*)", label)
            if m:
                d = os.path.dirname(os.path.join(a.repo, m.group(1), m.group(2)))
                if d != own and not d.startswith(own + os.sep) and d not in dirs:
                    dirs.append(d)
    return own, sorted(dirs)


class TargetRun:
    """One target's part of the campaign: its jobs, corpus and findings."""

    def __init__(self, a, name, kinds, env):
        self.a = a
        self.name = name
        self.dir = os.path.join(a.workdir, name)
        self.corpus = os.path.join(self.dir, "corpus")
        self.artifacts = os.path.join(self.dir, "artifacts")
        self.findings_dir = os.path.join(self.dir, "findings")
        for d in (self.corpus, self.artifacts, os.path.join(self.artifacts, "done"),
                  self.findings_dir, os.path.join(self.dir, "logs")):
            os.makedirs(d, exist_ok=True)
        self.t = findings_lib.Target(name, kinds.get("fuzzer"), kinds.get("text"),
                                     kinds.get("transitions"), env)
        self.t.afl = kinds.get("afl")
        self.env = env
        self.committed, self.seeds = seed_dirs(a, name)
        dict_path = os.path.join(a.bin_dir or os.path.join(a.repo, "fuzz"), name + ".dict")
        self.dict = dict_path if os.path.exists(dict_path) else None
        # TARGET.options beside the dictionary: the target's own libFuzzer
        # flags (fuzz/af_lifecycle.options explains its choice).
        self.options = engines.libfuzzer_options(os.path.join(os.path.dirname(dict_path),
                                                              name + ".options"))
        self.jobs = []
        self.stopped = None
        self.transitions = None
        self.transitions_at = 0.0
        self.keys = self.load_keys()
        self.new_findings = []

    def load_keys(self):
        keys = {}
        for n in sorted(os.listdir(self.findings_dir)):
            k = os.path.join(self.findings_dir, n, "key.txt")
            if n.endswith(".tmp"):
                shutil.rmtree(os.path.join(self.findings_dir, n), ignore_errors=True)
            elif os.path.exists(k):
                with open(k) as f:
                    keys[f.read().strip()] = n
        return keys

    def corpus_dirs(self):
        return [self.corpus] + [d for d in [self.committed] + self.seeds if os.path.isdir(d)]

    def start(self, jobs, deadline):
        cls = engines.AflJob if self.a.engine == "afl" else engines.LibFuzzerJob
        self.jobs = [cls(self.t, i, self.dir) for i in range(jobs)]
        if self.a.engine == "afl":
            self.afl_seeds = os.path.join(self.dir, "afl_seeds")
            os.makedirs(self.afl_seeds, exist_ok=True)
            for d in self.corpus_dirs():
                for p in corpus_lib.regular_files(d):
                    dest = os.path.join(self.afl_seeds, corpus_lib.content_hash(p))
                    if not os.path.exists(dest):
                        shutil.copyfile(p, dest)
        for j in self.jobs:
            self.launch(j, deadline)

    def launch(self, job, deadline):
        left = deadline - time.monotonic()
        if left < 1:
            return
        if self.a.engine == "afl":
            job.start(left, self.afl_seeds, self.dict, self.env)
        else:
            job.start(left, self.corpus_dirs(), self.dict, self.env, self.options)

    def tick(self, deadline):
        """Restarts jobs that stopped early (a crash), handles artifacts."""
        for j in self.jobs:
            rc = j.poll()
            if rc is None or j.proc is not None:
                continue
            if self.a.engine == "libfuzzer" and j.runs and j.log:
                self.collect()
                if not j.inited:
                    self.stopped = ("a committed input fails before fuzzing starts (log: %s)" % j.log)
                    continue
                if deadline - time.monotonic() > 1 and self.stopped is None:
                    self.launch(j, deadline)
        self.collect()

    def afl_crashes(self):
        for j in self.jobs:
            d = os.path.join(self.dir, "afl", j.name, "crashes")
            if os.path.isdir(d):
                for n in sorted(os.listdir(d)):
                    if n.startswith("id:"):
                        dest = os.path.join(self.artifacts, "afl-%s-%s" % (j.name, n.split(",")[0][3:]))
                        done = os.path.join(self.artifacts, "done", os.path.basename(dest))
                        if not os.path.exists(dest) and not os.path.exists(done):
                            shutil.copyfile(os.path.join(d, n), dest)

    def collect(self):
        """Classifies each new artifact; a new key becomes a finding."""
        if self.a.engine == "afl":
            self.afl_crashes()
        for n in sorted(os.listdir(self.artifacts)):
            p = os.path.join(self.artifacts, n)
            if not os.path.isfile(p):
                continue
            f = self.t.replay(p) if self.t.fuzzer else None
            if f is None:
                f = findings_lib.Finding("unreproducible", "unreproducible " + n, "")
            if f.key not in self.keys:
                folder = os.path.join(self.findings_dir, f.id)
                log("%s: new finding %s (%s); minimizing" % (self.name, f.id, f.key))
                findings_lib.write_finding(self.t, f, p, folder, self.a.impl,
                                           os.path.join(self.dir, "minimize"),
                                           minimize=self.a.minimize and f.label != "unreproducible",
                                           repo=self.a.repo)
                self.keys[f.key] = f.id
                self.new_findings.append(f.id)
            os.replace(p, os.path.join(self.artifacts, "done", n))

    def stats(self):
        execs = rate = cov = ft = 0
        for j in self.jobs:
            e, r, c, f = j.stats()
            execs, rate, cov, ft = execs + e, rate + r, max(cov, c), max(ft, f)
        return execs, rate, cov, ft

    def queue_dirs(self):
        if self.a.engine == "afl":
            d = os.path.join(self.dir, "afl")
            return [os.path.join(d, n, "queue") for n in sorted(os.listdir(d))
                    if os.path.isdir(os.path.join(d, n, "queue"))] if os.path.isdir(d) else []
        return [self.corpus]

    def corpus_size(self):
        return sum(len(corpus_lib.regular_files(d)) for d in self.queue_dirs() + [self.committed]
                   if os.path.isdir(d))

    def update_transitions(self, force=False):
        """`<t>_transitions` on the working and committed corpus, at most
        every 15 s (it replays the whole corpus)."""
        if not self.t.transitions or (not force and time.monotonic() - self.transitions_at < 15):
            return
        self.transitions_at = time.monotonic()
        dirs = [d for d in self.queue_dirs() + self.corpus_dirs()[1:] if os.path.isdir(d)]
        try:
            p = subprocess.run([self.t.transitions] + dirs, env=self.env, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, timeout=120)
            m = re.search(r"^transitions: (\d+)/(\d+)", p.stdout.decode(), re.M)
            if m:
                self.transitions = "%s/%s" % m.groups()
        except subprocess.TimeoutExpired:
            pass

    def line(self):
        execs, rate, cov, ft = self.stats()
        edge = "edges %d" % cov if self.a.engine == "afl" else "cov %d ft %d" % (cov, ft)
        return "%s: execs %d (%d/s) corpus %d %s transitions %s findings %d%s" % (
            self.name, execs, rate, self.corpus_size(), edge, self.transitions or "-",
            len(self.keys), " (stopped)" if self.stopped else "")

    def stop(self):
        for j in self.jobs:
            j.stop()
        self.collect()

    def merge(self, pause):
        """Merges the working corpus into corpora/<t> (corpus.Merger)."""
        if not self.t.fuzzer:
            return None
        scratch = os.path.join(self.a.repo, "out", "fuzz-merge", self.name)
        m = corpus_lib.Merger(self.committed, scratch, pause)

        def run_merge(stage, inputs):
            p = subprocess.run([self.t.fuzzer, "-merge=1", "-timeout=25",
                                "-artifact_prefix=" + os.path.join(self.dir, "merge-")] +
                               [stage] + [d for d in inputs if os.path.isdir(d)], env=self.env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True, preexec_fn=engines._die_with_parent(os.getpid()))
            return p.returncode

        return m.merge(run_merge, self.seeds, self.queue_dirs())


def recover_merges(a, names):
    pause = float(os.environ.get("NDISCONF_FUZZ_MERGE_PAUSE", "0"))
    for t in names:
        scratch = os.path.join(a.repo, "out", "fuzz-merge", t)
        if os.path.isdir(scratch):
            n = corpus_lib.Merger(os.path.join(a.repo, "corpora", t), scratch, pause).recover()
            if n:
                log("%s: finished an interrupted merge (%d input(s) added)" % (t, n))


def schedule(targets, jobs, seconds):
    """Rounds of (seconds, {target: jobs}): all targets at once when there
    are jobs enough, else in turns of `jobs` targets sharing the time."""
    names = list(targets)
    if jobs >= len(names):
        share = {t: jobs // len(names) + (1 if i < jobs % len(names) else 0)
                 for i, t in enumerate(names)}
        return [(seconds, share)]
    rounds = [names[i:i + jobs] for i in range(0, len(names), jobs)]
    return [(max(1, seconds // len(rounds)), {t: 1 for t in r}) for r in rounds]


def coverage(a, run):
    """llvm-cov HTML of the corpus (tools/coverage.sh) and the transition
    report (<t>_transitions --missing)."""
    out = os.path.join(run.dir, "coverage")
    if run.t.transitions:
        dirs = [d for d in run.queue_dirs() + run.corpus_dirs()[1:] if os.path.isdir(d)]
        with open(os.path.join(run.dir, "transitions.txt"), "w") as f:
            subprocess.run([run.t.transitions, "--missing"] + dirs, env=run.env, stdout=f,
                           stderr=subprocess.DEVNULL, timeout=600)
        log("%s: transition report %s" % (run.name, os.path.join(run.dir, "transitions.txt")))
    if a.bin_dir:
        return
    args = [os.path.join(a.repo, "tools", "coverage.sh"), "--html=" + out]
    args += ["--corpus=" + d for d in run.queue_dirs() + run.corpus_dirs()[1:] if os.path.isdir(d)]
    args.append("//fuzz:%s_fuzz_test" % run.name)
    with open(os.path.join(run.dir, "coverage.log"), "w") as f:
        rc = subprocess.run(args, cwd=a.repo, stdout=f, stderr=subprocess.STDOUT).returncode
    log("%s: llvm-cov HTML %s%s" % (run.name, os.path.join(out, "index.html"),
                                     "" if rc == 0 else " (coverage.sh failed: see coverage.log)"))


def campaign(a):
    os.makedirs(a.workdir, exist_ok=True)
    lock = open(os.path.join(a.workdir, "lock"), "w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        raise UsageError("another campaign is running in %s" % a.workdir)
    found = discover(a)
    if not found:
        raise UsageError("no fuzz targets found")
    recover_merges(a, found)
    build(a, found)
    env = dict(os.environ, NDISCONF_IMPL=a.impl)
    runs = {t: TargetRun(a, t, kinds, env) for t, kinds in found.items()}
    for r in runs.values():
        r.collect()  # artifacts left by a killed run
    log("%s: %s for %ds with %d job(s), NDISCONF_IMPL=%s, workdir %s" % (
        a.engine, " ".join(runs), a.seconds, a.jobs, a.impl, a.workdir))
    started = time.monotonic()
    try:
        for seconds, share in schedule(runs, a.jobs, a.seconds):
            deadline = time.monotonic() + seconds
            for t, n in share.items():
                runs[t].start(n, deadline)
            next_line = time.monotonic() + a.progress
            while time.monotonic() < deadline:
                time.sleep(min(0.5, max(0.05, deadline - time.monotonic())))
                for t in share:
                    runs[t].tick(deadline)
                if all(runs[t].stopped or all(j.proc is None for j in runs[t].jobs) for t in share):
                    break
                if time.monotonic() >= next_line:
                    next_line += a.progress
                    el = int(time.monotonic() - started)
                    for t in share:
                        runs[t].update_transitions()
                        log("[%ds/%ds] %s" % (el, a.seconds, runs[t].line()))
            for t in share:
                runs[t].stop()
    finally:
        for r in runs.values():
            r.stop()
    status = 0
    pause = float(os.environ.get("NDISCONF_FUZZ_MERGE_PAUSE", "0"))
    log("summary after %ds:" % int(time.monotonic() - started))
    for r in runs.values():
        r.update_transitions(force=True)
        log("  " + r.line())
        if r.stopped:
            log("  %s: stopped early: %s" % (r.name, r.stopped))
        if not a.no_merge:
            added = r.merge(pause)
            log("  %s: %s" % (r.name, "the merge failed" if added is None else
                              "%d new input(s) merged into %s" % (added, os.path.relpath(r.committed, a.repo))))
        for key, fid in sorted(r.keys.items(), key=lambda kv: kv[1]):
            status = 1
            folder = os.path.join(r.findings_dir, fid)
            new = " (new)" if fid in r.new_findings else ""
            log("  finding%s %s: %s" % (new, fid, key))
            with open(os.path.join(folder, "replay.txt")) as f:
                log("    replay: " + f.read().strip())
            log("    commit: cp %s/regression/* fuzz/regressions/" % folder)
        if not a.no_coverage:
            coverage(a, r)
    return status


def main(argv):
    try:
        a = parse_args(argv)
        return campaign(a)
    except (UsageError, engines.OptionsError) as e:
        print("fuzz: %s" % e, file=sys.stderr)
        return 2
    except OSError as e:
        print("fuzz: %s" % e, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
