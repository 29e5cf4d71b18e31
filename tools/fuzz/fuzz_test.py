"""Tests of the campaign command (//tools/fuzz) with a stand-in fuzzer
(testdata/fake_fuzzer.sh): finding keys and minimization, and the kill test:
SIGKILL at 20 moments of a campaign (fuzzing and the merge into corpora/)
loses no corpus entry, leaves no half-written or temp file in the corpus,
orphans no fuzzer, and the next run completes the merge."""

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

from tools.fuzz import engines
from tools.fuzz import findings

HERE = os.path.dirname(os.path.abspath(__file__))
NEW = 12


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead for our purposes.
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


class FindingsTest(unittest.TestCase):
    def test_divergence_key_ignores_what_differs(self):
        a = findings.classify("ndisconf-divergence: WAN-051 call 0: fragment error bits: "
                              "the reference 0x3f, the implementation 0x0\n", -6)
        b = findings.classify("ndisconf-divergence: WAN-051 call 2: fragment error bits: "
                              "the reference 0x1, the implementation 0x0\n", -6)
        self.assertEqual(a.key, b.key)
        self.assertEqual(a.label, "WAN-051")
        self.assertEqual(a.check, "divergence")

    def test_violation_key_ignores_event_number(self):
        a = findings.classify("x\nndisconf-violation: AF-040 check=open_af event=3\n", -6)
        b = findings.classify("ndisconf-violation: AF-040 check=open_af event=9\n", -6)
        self.assertEqual((a.rule, a.check, a.label), ("AF-040", "open_af", "AF-040"))
        self.assertEqual(a.key, b.key)

    def test_sanitizer_key_is_kind_and_top_project_frames(self):
        report = ("==1==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x1\n"
                  "    #0 0x1 in __asan_memcpy /x.cc:1\n"
                  "    #1 0x2 in ReadLineUp(unsigned char const*) /a.cc:2\n"
                  "    #2 0x3 in Handler /a.cc:3\n    #3 0x4 in Status /b.cc:4\n"
                  "    #4 0x5 in Deeper /b.cc:5\n\n"
                  "allocated by thread T0 here:\n    #0 0x6 in malloc /y.cc:1\n")
        f = findings.classify(report, 1)
        self.assertEqual(f.label, "heap-buffer-overflow")
        self.assertEqual(f.key, "heap-buffer-overflow ReadLineUp Handler Status")

    def test_no_report_and_clean_exit_is_no_finding(self):
        self.assertIsNone(findings.classify("INFO: Running\n", 0))

    def test_deleting_a_line_deletes_its_dependents(self):
        lines = ["r0 = bind(0)", "r1 = open(r0)", "r2 = open(r0)", "close(r1)", "r3 = vc(r1.af)",
                 "close(r2)", "halt()"]
        self.assertEqual(findings.without(lines, [1]), ["r0 = bind(0)", "r2 = open(r0)",
                                                        "close(r2)", "halt()"])
        self.assertEqual(findings.without(lines, [0]), ["halt()"])


class KillTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(dir=os.environ.get("TEST_TMPDIR"))
        self.repo = os.path.join(self.tmp, "repo")
        self.corpus = os.path.join(self.repo, "corpora", "fake")
        os.makedirs(self.corpus)
        for n in ("seed_a", "seed_b"):
            with open(os.path.join(self.corpus, n), "w") as f:
                f.write(n + "\n")
        self.bins = os.path.join(self.tmp, "bin")
        os.makedirs(self.bins)
        shutil.copy(os.path.join(HERE, "testdata", "fake_fuzzer.sh"),
                    os.path.join(self.bins, "fake_fuzzer"))
        self.pids = os.path.join(self.tmp, "pids")
        os.makedirs(self.pids)
        self.workdir = os.path.join(self.tmp, "work")

    def run_tool(self):
        env = dict(os.environ, FAKE_PIDS=self.pids, FAKE_NEW=str(NEW), FAKE_MERGE_PAUSE="0.05",
                   NDISCONF_FUZZ_MERGE_PAUSE="0.05",
                   PYTHONPATH=os.pathsep.join(sys.path))
        env.pop("BUILD_WORKING_DIRECTORY", None)
        return subprocess.Popen(
            [sys.executable, os.path.join(HERE, "fuzz.py"), "fake", "--jobs=2", "--time=2",
             "--progress=1", "--workdir=" + self.workdir, "--bin-dir=" + self.bins,
             "--repo=" + self.repo, "--no-coverage"], env=env, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT)

    def check_corpus(self, before):
        names = set(os.listdir(self.corpus))
        self.assertTrue(before <= names, "lost: %s" % (before - names))
        for n in names:
            with open(os.path.join(self.corpus, n), "rb") as f:
                data = f.read()
            if n.startswith("seed_"):
                self.assertEqual(data, n.encode() + b"\n")
            else:
                self.assertEqual(hashlib.sha1(data).hexdigest(), n, "half-written " + n)
                self.assertRegex(data.decode(), r"^new-input-\d+\n$")
        return names

    def check_no_orphans(self):
        deadline = time.time() + 5
        pids = [int(p) for p in os.listdir(self.pids)]
        while time.time() < deadline and any(alive(p) for p in pids):
            time.sleep(0.1)
        self.assertEqual([p for p in pids if alive(p)], [])

    def test_sigkill_at_20_moments(self):
        before = set(os.listdir(self.corpus))
        for step in range(20):
            p = self.run_tool()
            time.sleep(0.3 + step * 0.15)  # 0.3 s .. 3.15 s: fuzzing, then merging
            p.send_signal(signal.SIGKILL)
            p.communicate()
            self.check_no_orphans()
            before = self.check_corpus(before)
        p = self.run_tool()
        out = p.communicate()[0].decode()
        self.assertEqual(p.returncode, 0, out)
        names = self.check_corpus(before)
        self.assertEqual(len(names), 2 + NEW, out)
        self.check_no_orphans()

    def test_finding_is_deduplicated_and_written(self):
        os.makedirs(os.path.join(self.workdir, "fake", "artifacts"))
        for n in ("crash-1", "crash-2"):
            with open(os.path.join(self.workdir, "fake", "artifacts", n), "w") as f:
                f.write("a bug " + n)
        p = self.run_tool()
        out = p.communicate()[0].decode()
        self.assertEqual(p.returncode, 1, out)
        found = os.listdir(os.path.join(self.workdir, "fake", "findings"))
        self.assertEqual(len(found), 1, found)
        self.assertTrue(found[0].startswith("AF-040_"))
        reg = os.path.join(self.workdir, "fake", "findings", found[0], "regression")
        self.assertEqual(sorted(os.listdir(reg)),
                         ["fake_%s.bin" % found[0], "fake_%s_regression_test.cc" % found[0]])
        with open(os.path.join(self.workdir, "fake", "findings", found[0], "replay.txt")) as f:
            self.assertIn("//fuzz:fake_fuzzer", f.read())


class OptionsTest(unittest.TestCase):
    def write(self, text):
        d = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, d)
        path = os.path.join(d, "t.options")
        with open(path, "w") as f:
            f.write(text)
        return path

    def test_libfuzzer_section_becomes_flags_in_order(self):
        path = self.write("# why\n[libfuzzer]\nentropic = 0\nmax_len = 512\n[afl]\nx = 1\n")
        self.assertEqual(engines.libfuzzer_options(path), ["-entropic=0", "-max_len=512"])

    def test_no_file_or_no_section_is_no_flag(self):
        self.assertEqual(engines.libfuzzer_options("/nonexistent/t.options"), [])
        self.assertEqual(engines.libfuzzer_options(self.write("[afl]\nx = 1\n")), [])

    def test_malformed_file_names_the_file_and_the_problem(self):
        path = self.write("entropic = 0\n")  # no section header
        with self.assertRaisesRegex(engines.OptionsError, "^" + path + ": .*section"):
            engines.libfuzzer_options(path)
        path = self.write("[libfuzzer]\nentropic = 0 -runs=1\n")
        with self.assertRaisesRegex(engines.OptionsError, "^" + path + r": \[libfuzzer\] entropic"):
            engines.libfuzzer_options(path)


if __name__ == "__main__":
    unittest.main()
