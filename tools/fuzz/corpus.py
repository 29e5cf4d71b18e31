"""Atomic merge of a campaign's working corpus into a committed corpus folder.

The committed corpus (corpora/<target>/) must never lose an entry nor hold a
half-written file, whenever the campaign is killed (SIGKILL included). The
merge therefore runs in three steps, each restartable:

1. libFuzzer -merge=1 into a private staging folder that starts as a copy of
   the committed corpus and its seed folders; a kill here loses only the
   staging folder, which the next run rebuilds.
2. The names of the staged inputs that add coverage and are not committed
   yet are written to a journal (temp file, fsync, rename: the journal
   exists complete or not at all).
3. Each journal entry is copied into a temp file in the scratch folder,
   fsync'ed and renamed into the corpus folder (rename is atomic on one file
   system); then the journal is removed. A run that finds a journal finishes
   it first (recover), so an interrupted step 3 resumes where it stopped.

The scratch folder lives under the repository's out/ (git-ignored, same file
system as corpora/), so no temp file ever appears in a corpus folder.
"""

import hashlib
import os
import shutil
import time

JOURNAL = "journal"


def content_hash(path):
    with open(path, "rb") as f:
        return hashlib.sha1(f.read()).hexdigest()


def regular_files(folder):
    """Sorted paths of the regular files directly or deeper under folder."""
    out = []
    for root, _, names in os.walk(folder):
        for n in names:
            p = os.path.join(root, n)
            if os.path.isfile(p) and not os.path.islink(p):
                out.append(p)
    return sorted(out)


def _fsync_dir(folder):
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomic(path, data, tmp_dir):
    """Writes bytes `data` to `path` via a temp file in tmp_dir + rename."""
    os.makedirs(tmp_dir, exist_ok=True)
    tmp = os.path.join(tmp_dir, os.path.basename(path) + ".part")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    try:
        os.rename(tmp, path)
    except OSError:
        # Another file system (EXDEV): a hidden temp beside the target instead.
        os.remove(tmp)
        tmp = os.path.join(os.path.dirname(path), "." + os.path.basename(path) + ".part")
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.rename(tmp, path)
    _fsync_dir(os.path.dirname(path))


def write_text_atomic(path, text, tmp_dir=None):
    _write_atomic(path, text.encode(), tmp_dir or os.path.dirname(path))


class Merger:
    """Merges into `corpus_dir` using scratch folder `scratch` (see module doc).

    pause: seconds to wait between two committed entries (0 normally; the kill
    test sets it through NDISCONF_FUZZ_MERGE_PAUSE to widen the window).
    """

    def __init__(self, corpus_dir, scratch, pause=0.0):
        self.corpus_dir = corpus_dir
        self.scratch = scratch
        self.pause = pause
        self.stage = os.path.join(scratch, "stage")
        self.tmp = os.path.join(scratch, "tmp")
        self.journal = os.path.join(scratch, JOURNAL)

    def recover(self):
        """Finishes an interrupted merge, if any; returns the entries it added."""
        added = 0
        if os.path.exists(self.journal):
            with open(self.journal) as f:
                names = [line.strip() for line in f if line.strip()]
            for name in names:
                dest = os.path.join(self.corpus_dir, name)
                if os.path.exists(dest):
                    continue
                with open(os.path.join(self.stage, name), "rb") as f:
                    data = f.read()
                _write_atomic(dest, data, self.tmp)
                added += 1
                if self.pause:
                    time.sleep(self.pause)
            os.remove(self.journal)
        shutil.rmtree(self.stage, ignore_errors=True)
        shutil.rmtree(self.tmp, ignore_errors=True)
        # Leftovers of the EXDEV fallback, if a kill hit it.
        if os.path.isdir(self.corpus_dir):
            for n in os.listdir(self.corpus_dir):
                if n.startswith(".") and n.endswith(".part"):
                    os.remove(os.path.join(self.corpus_dir, n))
        return added

    def merge(self, run_merge, seed_dirs, inputs_dirs):
        """Adds to the corpus the inputs of inputs_dirs that add coverage.

        run_merge(stage_dir, input_dirs) runs the engine's merge (libFuzzer
        -merge=1) and returns its exit status. Returns the number of entries
        added, or None if the merge itself failed (nothing is added then).
        """
        self.recover()
        os.makedirs(self.corpus_dir, exist_ok=True)
        os.makedirs(self.stage)
        known = set()
        initial = set()
        for i, folder in enumerate([self.corpus_dir] + list(seed_dirs)):
            for p in regular_files(folder):
                name = os.path.relpath(p, folder).replace(os.sep, "_")
                if i > 0:
                    name = "seed%d_%s" % (i, name)
                shutil.copyfile(p, os.path.join(self.stage, name))
                initial.add(name)
                known.add(content_hash(p))
        if run_merge(self.stage, inputs_dirs) != 0:
            shutil.rmtree(self.stage, ignore_errors=True)
            return None
        names = []
        for n in sorted(os.listdir(self.stage)):
            if n in initial:
                continue
            h = content_hash(os.path.join(self.stage, n))
            if h in known:
                continue
            known.add(h)
            # libFuzzer names merged inputs by content (SHA-1); keep that name.
            if n != h:
                os.rename(os.path.join(self.stage, n), os.path.join(self.stage, h))
            names.append(h)
        write_text_atomic(self.journal, "".join(n + "\n" for n in names), self.scratch)
        return self.recover()
