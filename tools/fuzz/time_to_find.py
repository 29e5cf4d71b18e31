"""bazel run //tools/fuzz:time_to_find -- TARGET [--time=SECONDS] [--family=AF]
                                      [--variants=NAME:RULE,...] [--seed=N] [--bin-dir=DIR]

How fast a fuzz target finds each seeded-bug variant, next to the
feedback-free random walk over the same grammar (docs/fuzzing.md, Figures).

For every variant (default: the `bug-*` implementations that
`//tools:ndisconf -- --list` names whose rule starts with --family, AF for
af_lifecycle and WAN otherwise), it runs TARGET_fuzzer with
NDISCONF_IMPL=<variant> on a scratch copy of the committed corpus for at
most --time seconds (with the target's dictionary and .options flags, as
the campaign runs it), then TARGET_random_walk --seed=N for as long, and
prints one Markdown table row per variant: the seconds until each stopped
with the variant's rule, or "-" when it did not (another rule is shown by
its ID). A summary line gives the medians and maxima over the variants the
fuzzer found and the ratio of the medians.

The times are wall-clock seconds of the whole process (corpus loading
included), so they are figures for a note, not for a test. Exit 0, or 2 on
a usage or build error.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from tools.fuzz import engines

VIOLATION = re.compile(r"^ndisconf-violation: (\S+) ", re.M)
LIST_ROW = re.compile(r"^(bug-\S+)\s+\[seeded bug: (\S+)\]", re.M)


def repo_root():
    return os.environ.get("BUILD_WORKSPACE_DIRECTORY") or os.getcwd()


def bazel(args, repo):
    p = subprocess.run(["bazel"] + args, cwd=repo, stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL)
    if p.returncode != 0:
        raise SystemExit("time_to_find: bazel %s failed (exit %d)" % (" ".join(args), p.returncode))
    return p.stdout.decode()


def variants(a, repo):
    if a.variants:
        out = []
        for item in a.variants.split(","):
            name, _, rule = item.partition(":")
            if not name or not rule:
                raise SystemExit("time_to_find: --variants takes NAME:RULE,... (got %r)" % item)
            out.append((name, rule))
        return out
    listing = bazel(["run", "//tools:ndisconf", "--", "--list"], repo)
    family = a.family or ("AF" if a.target == "af_lifecycle" else "WAN")
    return [(n, r) for n, r in LIST_ROW.findall(listing) if r.startswith(family + "-")]


def binaries(a, repo):
    if a.bin_dir:
        base = a.bin_dir
    else:
        bazel(["build", "--config=fuzz", "//fuzz:%s_fuzzer" % a.target,
               "//fuzz:%s_random_walk" % a.target], repo)
        base = os.path.join(bazel(["info", "--config=fuzz", "bazel-bin"], repo).strip(), "fuzz")
    fuzzer = os.path.join(base, a.target + "_fuzzer")
    walk = os.path.join(base, a.target + "_random_walk")
    for b in (fuzzer, walk):
        if not os.access(b, os.X_OK):
            raise SystemExit("time_to_find: no executable %s" % b)
    return fuzzer, walk


def target_flags(a, repo):
    """The dictionary and the .options flags the campaign would use."""
    base = a.bin_dir or os.path.join(repo, "fuzz")
    flags = []
    dict_path = os.path.join(base, a.target + ".dict")
    if os.path.exists(dict_path):
        flags.append("-dict=" + dict_path)
    try:
        return flags + engines.libfuzzer_options(os.path.join(base, a.target + ".options"))
    except engines.OptionsError as e:
        raise SystemExit("time_to_find: %s" % e)


def timed(cmd, env, limit):
    """(seconds, first violated rule or None) of one run."""
    start = time.monotonic()
    try:
        p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=limit + 60)
        out = p.stdout.decode(errors="replace")
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace")
    m = VIOLATION.search(out)
    return time.monotonic() - start, (m.group(1) if m else None)


def cell(seconds, rule, want):
    if rule == want:
        return "%.1f" % seconds
    return "- (%s)" % rule if rule else "-"


def main(argv):
    p = argparse.ArgumentParser(prog="bazel run //tools/fuzz:time_to_find --",
                                description=__doc__.split("\n\n")[1])
    p.add_argument("target")
    p.add_argument("--time", type=int, default=60, help="seconds per run (default 60)")
    p.add_argument("--family", default=None, help="rule family of the variants (AF, WAN)")
    p.add_argument("--variants", default=None, help="NAME:RULE,... instead of --list")
    p.add_argument("--seed", type=int, default=1, help="the random walk's seed (default 1)")
    p.add_argument("--bin-dir", default=None, help="take the binaries from here, build nothing")
    a = p.parse_args(argv)
    if a.time < 1:
        p.error("--time must be at least 1")
    repo = repo_root()
    fuzzer, walk = binaries(a, repo)
    rows = variants(a, repo)
    if not rows:
        raise SystemExit("time_to_find: no variants")
    corpus = os.path.join(repo, "corpora", a.target)
    flags = target_flags(a, repo)
    print("| variant | rule | fuzzer (s) | random walk (s) |")
    print("|---|---|---|---|")
    found_f, found_w = [], []
    for name, rule in rows:
        env = dict(os.environ, NDISCONF_IMPL=name)
        with tempfile.TemporaryDirectory() as scratch:
            work = os.path.join(scratch, "corpus")
            shutil.copytree(corpus, work)
            fs, fr = timed([fuzzer, "-max_total_time=%d" % a.time, "-seed=%d" % a.seed,
                            "-artifact_prefix=" + scratch + "/", work] + flags, env, a.time)
        ws, wr = timed([walk, "--seed=%d" % a.seed, "--max_total_time=%d" % a.time], env, a.time)
        if fr == rule:
            found_f.append(fs)
        if wr == rule:
            found_w.append(ws)
        print("| %s | %s | %s | %s |" % (name, rule, cell(fs, fr, rule), cell(ws, wr, rule)))
        sys.stdout.flush()

    def summary(xs):
        if not xs:
            return "none found"
        return "%d/%d found, median %.1f s, max %.1f s" % (len(xs), len(rows),
                                                          statistics.median(xs), max(xs))
    print("\nfuzzer: %s; random walk: %s" % (summary(found_f), summary(found_w)))
    if found_f and found_w:
        print("median ratio random walk / fuzzer: %.1f" %
              (statistics.median(found_w) / max(statistics.median(found_f), 0.01)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
