"""The fuzzing engines' processes: libFuzzer and AFL++ jobs of one target.

Every job runs in its own session (process group) and gets SIGKILL from the
kernel when the campaign process dies (PR_SET_PDEATHSIG), so `kill -9` of
the campaign orphans no fuzzer; stop() kills the whole group.
"""

import configparser
import ctypes
import os
import re
import signal
import subprocess

PR_SET_PDEATHSIG = 1
_libc = ctypes.CDLL(None, use_errno=True)


def _die_with_parent(parent):
    def hook():
        _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        # The parent may have died between fork and prctl.
        if os.getppid() != parent:
            os._exit(1)
    return hook


def spawn(cmd, log_path, env, cwd=None):
    """Starts cmd in its own session, output to log_path; dies with us."""
    log = open(log_path, "ab")
    try:
        return subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env=env, cwd=cwd, start_new_session=True,
                                preexec_fn=_die_with_parent(os.getpid()))
    finally:
        log.close()


def stop(proc):
    if proc is None:
        return
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


class OptionsError(Exception):
    pass


def libfuzzer_options(path):
    """The [libfuzzer] section of a target's .options file (the OSS-Fuzz and
    ClusterFuzzLite convention: `key = value` lines) as -key=value flags;
    [] when there is no file. A malformed file raises OptionsError naming
    the file and what is wrong."""
    if not path or not os.path.exists(path):
        return []
    c = configparser.ConfigParser(delimiters=("=",), comment_prefixes=("#",),
                                  inline_comment_prefixes=None, interpolation=None)
    try:
        with open(path, encoding="utf-8") as f:
            c.read_file(f)
    except (configparser.Error, UnicodeDecodeError, OSError) as e:
        raise OptionsError("%s: %s" % (path, str(e).splitlines()[0]))
    if not c.has_section("libfuzzer"):
        return []
    flags = []
    for key, value in c.items("libfuzzer"):
        if not re.fullmatch(r"[a-z_]+", key) or not re.fullmatch(r"[A-Za-z0-9_./:-]+", value):
            raise OptionsError("%s: [libfuzzer] %s = %s: expected a libFuzzer flag name and a "
                               "value without spaces" % (path, key, value))
        flags.append("-%s=%s" % (key, value))
    return flags


STATUS = re.compile(r"^#(\d+)\s+\S+\s+cov: (\d+) ft: (\d+) corp: (\d+)\S*.*?exec/s: (\d+)", re.M)
DONE = re.compile(r"^stat::number_of_executed_units: (\d+)", re.M)


def tail(path, size=16384):
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - size))
            return f.read().decode(errors="replace")
    except OSError:
        return ""


class LibFuzzerJob:
    """One libFuzzer process; restarted (a new run) after it stops early."""

    def __init__(self, target, index, workdir):
        self.t = target
        self.index = index
        self.workdir = workdir
        self.proc = None
        self.log = None
        self.runs = 0
        self.execs_done = 0  # executions of this job's finished runs
        self.inited = False
        self.last = (0, 0, 0)  # exec/s, cov, ft of the last status line seen

    def start(self, seconds, corpus_dirs, dict_path, env, options=()):
        self.runs += 1
        self.log = os.path.join(self.workdir, "logs", "job%d-run%d.log" % (self.index, self.runs))
        cmd = [self.t.fuzzer] + corpus_dirs + [
            "-max_total_time=%d" % max(1, int(seconds)),
            "-artifact_prefix=" + os.path.join(self.workdir, "artifacts") + "/",
            "-print_final_stats=1", "-timeout=25"]
        if dict_path:
            cmd.append("-dict=" + dict_path)
        cmd += list(options)
        if os.path.exists(self.log):
            os.remove(self.log)
        self.proc = spawn(cmd, self.log, env, cwd=self.workdir)

    def poll(self):
        """None while running, else the exit status (the run is accounted)."""
        if self.proc is None:
            return 0
        rc = self.proc.poll()
        if rc is None:
            return None
        text = tail(self.log, 1 << 20)
        self.inited = "INITED" in text
        s = STATUS.findall(text)
        if s:
            self.last = (int(s[-1][4]), int(s[-1][1]), int(s[-1][2]))
        m = DONE.search(text)
        if m:
            self.execs_done += int(m.group(1))
        elif s:
            self.execs_done += int(s[-1][0])
        self.proc = None
        return rc

    def stats(self):
        """(execs, exec/s, cov, ft) as of libFuzzer's last status line."""
        execs = self.execs_done
        if self.proc is not None:
            s = STATUS.findall(tail(self.log))
            if s:
                execs += int(s[-1][0])
                self.last = (int(s[-1][4]), int(s[-1][1]), int(s[-1][2]))
        return (execs,) + self.last

    def stop(self):
        stop(self.proc)
        self.poll()


class AflJob:
    """One afl-fuzz instance (-M for job 0, -S for the others); afl-fuzz keeps
    going after crashes, so a run lasts the whole slice."""

    def __init__(self, target, index, workdir):
        self.t = target
        self.index = index
        self.workdir = workdir
        self.proc = None
        self.runs = 0
        self.inited = True
        self.name = "main" if index == 0 else "s%d" % index

    def start(self, seconds, seeds_dir, dict_path, env):
        self.runs += 1
        out = os.path.join(self.workdir, "afl")
        env = dict(env, AFL_NO_UI="1", AFL_SKIP_CPUFREQ="1", AFL_NO_AFFINITY="1",
                   AFL_AUTORESUME="1", AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES="1",
                   AFL_SKIP_CRASHES="1", AFL_NO_WARN_INSTABILITY="1")
        cmd = ["afl-fuzz", "-i", seeds_dir, "-o", out, "-V", str(max(1, int(seconds))),
               "-t", "25000", "-m", "none", "-M" if self.index == 0 else "-S", self.name]
        if dict_path:
            cmd += ["-x", dict_path]
        cmd += ["--", self.t.afl]
        self.proc = spawn(cmd, os.path.join(self.workdir, "logs", "afl-%s.log" % self.name), env,
                          cwd=self.workdir)

    def poll(self):
        if self.proc is None:
            return 0
        rc = self.proc.poll()
        if rc is not None:
            self.proc = None
        return rc

    def fuzzer_stats(self):
        stats = {}
        try:
            with open(os.path.join(self.workdir, "afl", self.name, "fuzzer_stats")) as f:
                for line in f:
                    k, _, v = line.partition(":")
                    stats[k.strip()] = v.strip()
        except OSError:
            pass
        return stats

    def stats(self):
        """(execs, exec/s, edges, corpus) from plot_data (written every few
        seconds; fuzzer_stats only every minute), else fuzzer_stats."""
        last = tail(os.path.join(self.workdir, "afl", self.name, "plot_data"), 4096)
        rows = [l for l in last.splitlines() if l and not l.startswith("#")]
        try:
            if rows:
                f = [x.strip() for x in rows[-1].split(",")]
                # relative_time, cycles_done, cur_item, corpus_count, pending_total,
                # pending_favs, map_size, saved_crashes, saved_hangs, max_depth,
                # execs_per_sec, total_execs, edges_found
                return int(f[11]), int(float(f[10])), int(f[12]), int(f[3])
            s = self.fuzzer_stats()
            return (int(s.get("execs_done", 0)), int(float(s.get("execs_per_sec", 0))),
                    int(s.get("edges_found", 0)), int(s.get("corpus_count", 0)))
        except (ValueError, IndexError):
            return 0, 0, 0, 0

    def stop(self):
        """SIGINT first: afl-fuzz then writes its final fuzzer_stats."""
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGINT)
                self.proc.wait(timeout=10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        stop(self.proc)
        self.proc = None
