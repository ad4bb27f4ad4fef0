#!/usr/bin/python3
"""Headers that claim far more memory than there is are refused before anything is allocated.

Usage:
    memory_limits.py --dcmlens BIN [--corpus DIR] [--work TMPDIR]

Every command runs under `ulimit -v` (RLIMIT_AS) of 3 GiB, far below what the headers claim, so
that an allocation of the claimed size fails instead of waking the OOM killer; the memory budget
(model/memory_budget.hpp) is then 60 % of that limit. Inputs, made from CT_small.dcm and
MR_small_RLE.dcm with pydicom:
  - 65535 x 65535 pixels, native (8 GiB decoded) and RLE (8 GiB decoded plus DCMTK's 8 GiB);
  - 65535 x 65535 x 3 samples of 32 bits (48 GiB);
  - 2^31 - 1 frames of 128 x 128 (64 TiB);
  - Bits Allocated 64.
`render --cpu`, `render` (GPU), `probe --pixel 0,0`, `export --raw` and `bench` (the viewer's
loader) must exit 1 with one line naming the file and, where the budget refuses it, the size it
would need ("needs 8.0 GiB, more than the memory budget of 1.8 GiB"); never a signal, a
std::bad_alloc or a hang. `info --json` reads the header only and must succeed. Then
DCMLENS_MEMORY_BUDGET: "1K" refuses CT_small itself, naming its 32 KiB; "50%" and "2G" are
accepted; without the ulimit, the 8 GiB native claim is refused by the budget only if it exceeds
it, and the error is the truncated pixel data either way (nothing was allocated for it).
"""
import argparse
import os
import re
import resource
import subprocess
import sys
import warnings
from pathlib import Path

import pydicom

from harness import finish, sha256_tree, work_folder

DEFAULT_CORPUS = "/usr/lib/python3/dist-packages/pydicom/data/test_files"
LIMIT = 3 << 30
TIMEOUT_S = 120


def limited():
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))


def run(cmd, env=None, limit=True):
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, errors="replace",
                           timeout=TIMEOUT_S, preexec_fn=limited if limit else None,
                           env={**os.environ, **(env or {})})
        return r.returncode, r.stderr
    except subprocess.TimeoutExpired:
        return None, ""


def one_line_error(rc, stderr, name, pattern):
    """What is wrong with an expected one-line error ([] when nothing)."""
    if rc is None:
        return [f"hung (no exit within {TIMEOUT_S} s)"]
    if rc < 0:
        return [f"killed by signal {-rc}"]
    if rc != 1:
        return [f"exit {rc}, expected 1: {stderr[-200:]!r}"]
    lines = stderr.removesuffix("\n").split("\n")
    if len(lines) != 1 or name not in lines[0]:
        return [f"stderr is not one line naming {name}: {stderr[:300]!r}"]
    if pattern and not re.search(pattern, lines[0]):
        return [f"error does not say {pattern!r}: {lines[0]!r}"]
    return []


def make_inputs(corpus, work):
    ct = pydicom.dcmread(corpus / "CT_small.dcm")
    rle = pydicom.dcmread(corpus / "MR_small_RLE.dcm")
    inputs = {}

    def save(name, ds):
        path = work / name
        ds.save_as(path)
        inputs[name] = path

    ds = ct.copy()
    ds.Rows = ds.Columns = 65535
    save("native_65535x65535.dcm", ds)
    ds = rle.copy()
    ds.Rows = ds.Columns = 65535
    save("rle_65535x65535.dcm", ds)
    ds = ct.copy()
    ds.Rows = ds.Columns = 65535
    ds.SamplesPerPixel = 3
    ds.PhotometricInterpretation = "RGB"
    ds.PlanarConfiguration = 0
    ds.BitsAllocated = ds.BitsStored = 32
    ds.HighBit = 31
    save("rgb32_65535x65535.dcm", ds)
    ds = ct.copy()
    ds.NumberOfFrames = 2147483647
    save("frames_2147483647.dcm", ds)
    ds = ct.copy()
    ds.BitsAllocated = 64
    save("bits_allocated_64.dcm", ds)
    return inputs


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dcmlens", required=True)
    p.add_argument("--corpus", default=DEFAULT_CORPUS)
    p.add_argument("--work")
    args = p.parse_args()
    warnings.simplefilter("ignore")
    corpus = Path(args.corpus)
    work = work_folder(args.work, "memory")
    before = sha256_tree(corpus)
    inputs = make_inputs(corpus, work)
    results = []

    def report(ok, what, detail=""):
        results.append(ok)
        print(f"{'PASS' if ok else 'FAIL'}  {what}" + (f": {detail}" if detail else ""))

    budget = r"needs [0-9.]+ [KMGTP]iB, more than the memory budget of [0-9.]+ [KMG]iB"
    # What refuses each input: the budget (with sizes), or a check that needs no allocation.
    expected = {
        "native_65535x65535.dcm": budget,
        "rle_65535x65535.dcm": budget,
        "rgb32_65535x65535.dcm": budget,
        "frames_2147483647.dcm": r"truncated|Number of Frames",
        "bits_allocated_64.dcm": r"Bits Allocated \(0028,0100\) of 64",
    }
    for name, path in inputs.items():
        out = work / (path.stem + ".png")
        for label, cmd in (("render --cpu", ["render", str(path), "-o", str(out), "--cpu"]),
                           ("render", ["render", str(path), "-o", str(out)]),
                           ("probe", ["probe", str(path), "--pixel", "0,0"]),
                           ("export --raw", ["export", str(path), "--raw", "-o", str(out)]),
                           ("bench", ["bench", str(path)])):
            rc, err = run([args.dcmlens, *cmd])
            pattern = expected[name] if label != "bench" else r"."
            bad = one_line_error(rc, err, path.name, pattern)
            report(not bad, f"{label} {name} under ulimit -v 3 GiB", "; ".join(bad))
        rc, err = run([args.dcmlens, "info", str(path), "--json"])
        report(rc == 0, f"info --json {name} under ulimit -v 3 GiB", f"exit {rc} {err[:200]!r}")

    ct = corpus / "CT_small.dcm"
    out = work / "ct.png"
    rc, err = run([args.dcmlens, "render", str(ct), "-o", str(out), "--cpu"],
                  env={"DCMLENS_MEMORY_BUDGET": "1K"})
    bad = one_line_error(rc, err, ct.name, r"needs 64\.0 KiB, more than the memory budget of "
                                           r"1\.0 KiB")
    report(not bad, "DCMLENS_MEMORY_BUDGET=1K refuses CT_small (64 KiB)", "; ".join(bad))
    for setting in ("50%", "2G", "512MiB"):
        rc, err = run([args.dcmlens, "render", str(ct), "-o", str(out), "--cpu"],
                      env={"DCMLENS_MEMORY_BUDGET": setting})
        report(rc == 0 and not err, f"DCMLENS_MEMORY_BUDGET={setting} renders CT_small",
               f"exit {rc} {err[:200]!r}")
    rc, err = run([args.dcmlens, "render", str(inputs["native_65535x65535.dcm"]), "-o", str(out),
                   "--cpu"], limit=False)
    bad = one_line_error(rc, err, "native_65535x65535.dcm", r"truncated|" + budget)
    report(not bad, "native 65535x65535 without ulimit: refused, nothing allocated", "; ".join(bad))

    report(sha256_tree(corpus) == before, "corpus unchanged")
    return finish(results, work, args.work is not None)


if __name__ == "__main__":
    sys.exit(main())
