#!/usr/bin/python3
"""Bad input gives one clear error and a non-zero exit, never a crash or a hang.

Usage:
    bad_input.py --dcmlens BIN [--corpus DIR] [--work TMPDIR]

Inputs: every corpus *.dcm file that is not an image -- no (7FE0,0010) Pixel
Data, (0028,0010) Rows or (0028,0011) Columns, or unreadable by pydicom -- plus
the known malformed ones (truncated, invalid VR values), plus synthetic files:
empty, 100 seeded random bytes, text, 4096 zero bytes, a directory, a missing
path, MR_small.dcm cut to half its size, and CT_small.dcm claiming 60000 x 60000
pixels.

For each input, `render FILE -o OUT.png --cpu` and `info FILE` run with a
60 s limit and must not crash (killed by a signal) or hang.  `render` must
exit non-zero with exactly one non-empty stderr line naming the file; so must
`probe FILE --pixel 0,0`, `compare FILE CT_small.dcm`, `compare FILE
--gpu-vs-cpu` and `export FILE --fragment 1`.  `info`
may succeed on a readable DICOM dataset without pixels (rtplan.dcm), but on
garbage (not DICOM at all) it must fail the same way; when it fails, it must
also print exactly one line naming the file.  Finally the sha256 of every
corpus file must be unchanged.
"""
import argparse
import random
import subprocess
import sys
import warnings
from pathlib import Path

import pydicom

from harness import finish, sha256_tree, work_folder

DEFAULT_CORPUS = "/usr/lib/python3/dist-packages/pydicom/data/test_files"
TIMEOUT_S = 60
# badVR.dcm is not here: its Number of Frames "1A" is invalid, but its first frame is intact and
# DCMTK renders it; dcmlens does too (as one frame) and the oracle compares it.
KNOWN_MALFORMED = ["MR_truncated.dcm", "rtplan_truncated.dcm",
                   "reportsi.dcm", "reportsi_with_empty_number_tags.dcm",
                   "rtplan.dcm", "rtstruct.dcm", "test-SR.dcm",
                   "waveform_ecg.dcm", "meta_missing_tsyntax.dcm"]


def is_image(path):
    """True when pydicom reads the file and finds Pixel Data, Rows, Columns."""
    try:
        ds = pydicom.dcmread(str(path), force=True, defer_size=4096)
        return all(k in ds for k in ("PixelData", "Rows", "Columns"))
    except Exception:
        return False


def corpus_inputs(corpus):
    """(path, is_garbage) for the corpus' non-image and malformed files."""
    names = {p.name for p in corpus.glob("*.dcm") if not is_image(p)}
    names |= {n for n in KNOWN_MALFORMED if (corpus / n).exists()}
    return [(corpus / n, False) for n in sorted(names)]


def synthetic_inputs(corpus, work):
    """(path, is_garbage) for inputs written under work."""
    rng = random.Random(20240607)
    empty = work / "empty.dcm"
    empty.write_bytes(b"")
    noise = work / "random_100_bytes.dcm"
    noise.write_bytes(bytes(rng.randrange(256) for _ in range(100)))
    text = work / "text_file.dcm"
    text.write_text("This is a text file, not a DICOM file.\n")
    zeros = work / "zeros_4096.dcm"  # no DICM prefix and no data element: not DICOM
    zeros.write_bytes(bytes(4096))
    folder = work / "a_directory.dcm"
    folder.mkdir(exist_ok=True)
    missing = work / "does_not_exist.dcm"
    half = work / "MR_small_half.dcm"
    data = (corpus / "MR_small.dcm").read_bytes()
    half.write_bytes(data[:len(data) // 2])
    huge = work / "CT_small_60000x60000.dcm"
    ds = pydicom.dcmread(corpus / "CT_small.dcm")
    ds.Rows = ds.Columns = 60000          # (0028,0010), (0028,0011)
    ds.save_as(huge)
    return [(empty, True), (noise, True), (text, True), (zeros, True), (folder, True),
            (missing, True), (half, False), (huge, False)]


def run(cmd):
    """(returncode, stderr), returncode None on timeout."""
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, errors="replace",
                           timeout=TIMEOUT_S)
        return r.returncode, r.stderr
    except subprocess.TimeoutExpired:
        return None, ""


def problems(rc, stderr, name, must_fail):
    """What is wrong with one run ([] when nothing)."""
    if rc is None:
        return [f"hung (no exit within {TIMEOUT_S} s)"]
    if rc < 0:
        return [f"crashed (signal {-rc})"]
    if rc == 0:
        return ["exit 0, expected an error"] if must_fail else []
    lines = stderr.removesuffix("\n").split("\n")
    if len(lines) != 1 or not lines[0].strip():
        return [f"exit {rc}, but stderr is not one non-empty line: {stderr!r:.200}"]
    if name not in lines[0]:
        return [f"error line does not name {name}: {lines[0]!r}"]
    return []


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dcmlens", required=True)
    p.add_argument("--corpus", default=DEFAULT_CORPUS)
    p.add_argument("--work", help="temp dir (default: a new mkdtemp)")
    args = p.parse_args()
    warnings.simplefilter("ignore")
    corpus = Path(args.corpus)
    work = work_folder(args.work, "bad")
    before = sha256_tree(corpus)
    results = []

    def report(ok, what, detail=""):
        results.append(ok)
        print(f"{'PASS' if ok else 'FAIL'}  {what}" + (f": {detail}" if detail else ""))

    for path, garbage in corpus_inputs(corpus) + synthetic_inputs(corpus, work):
        out = work / (path.stem + ".out.png")
        rc, err = run([args.dcmlens, "render", str(path), "-o", str(out), "--cpu"])
        bad = problems(rc, err, path.name, must_fail=True)
        report(not bad, f"render {path.name}", "; ".join(bad))
        rc, err = run([args.dcmlens, "info", str(path)])
        bad = problems(rc, err, path.name, must_fail=garbage)
        report(not bad, f"info   {path.name}", "; ".join(bad))
        for label, extra in (("probe", ["probe", str(path), "--pixel", "0,0"]),
                             ("compare", ["compare", str(path), str(corpus / "CT_small.dcm")]),
                             ("gpu-vs-cpu", ["compare", str(path), "--gpu-vs-cpu"]),
                             ("fragment", ["export", str(path), "--fragment", "1", "-o",
                                           str(work / (path.stem + ".fragment"))])):
            rc, err = run([args.dcmlens, *extra])
            bad = problems(rc, err, path.name, must_fail=True)
            report(not bad, f"{label} {path.name}", "; ".join(bad))

    # Output that cannot be written (a full disk) is an error too, not a silent exit 0.
    if Path("/dev/full").exists():
        with open("/dev/full", "w") as full:
            r = subprocess.run([args.dcmlens, "info", str(corpus / "CT_small.dcm"), "--json"],
                               stdout=full, stderr=subprocess.PIPE, text=True, timeout=TIMEOUT_S)
        bad = problems(r.returncode, r.stderr, "output", must_fail=True)
        report(not bad, "info CT_small.dcm > /dev/full", "; ".join(bad))

    after = sha256_tree(corpus)
    changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    report(not changed, f"corpus unchanged ({len(before)} files, sha256)",
           " ".join(changed))

    return finish(results, work, keep=bool(args.work))


if __name__ == "__main__":
    sys.exit(main())
