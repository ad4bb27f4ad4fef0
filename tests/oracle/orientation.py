#!/usr/bin/python3
"""`render`, `compare --gpu-vs-cpu` and `probe` with --flip and --rotate, against numpy.

usage: orientation.py --dcmlens BIN [--corpus DIR] [--work DIR]

For a greyscale, a signed CT and a colour file: every combination of --flip (none, h, v) and
--rotate (0, 90, 180, 270) renders at one output pixel per image pixel exactly as numpy flips and
turns the unturned render (the flip first, then the clockwise rotation: np.fliplr / np.flipud,
then np.rot90(k=-turns)); the GPU equals the CPU reference of each turned view at a letterboxed
size; and `probe --pixel X,Y` with the same options names the file pixel that the turned render
shows at (X, Y), with that pixel's stored value.
"""
import argparse
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image

from harness import finish, work_folder

RESULTS = []


def check(label, ok, detail=""):
    RESULTS.append(bool(ok))
    print(("PASS  " if ok else "FAIL  ") + label + (f"  ({detail})" if detail else ""), flush=True)


def run(args, *cmd):
    return subprocess.run([args.dcmlens, *map(str, cmd)], check=True, capture_output=True, text=True)


def render(args, path, out, *extra):
    run(args, "render", path, "-o", out, *extra)
    return np.asarray(Image.open(out))


def expected(plain, flip, degrees):
    img = plain
    if flip == "h":
        img = np.fliplr(img)
    elif flip == "v":
        img = np.flipud(img)
    return np.rot90(img, k=-(degrees // 90))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dcmlens", required=True)
    p.add_argument("--corpus", default="/usr/lib/python3/dist-packages/pydicom/data/test_files")
    p.add_argument("--work")
    args = p.parse_args()
    work = work_folder(args.work, "orientation")
    corpus = Path(args.corpus)
    files = [corpus / n for n in ("MR_small.dcm", "CT_small.dcm", "SC_rgb_small_odd.dcm")]
    def digest(f):
        return hashlib.sha256(f.read_bytes()).hexdigest()
    before = {f: digest(f) for f in files}
    for f in files:
        plain = render(args, f, work / f"{f.stem}.png")
        for flip in (None, "h", "v"):
            for degrees in (0, 90, 180, 270):
                extra = (["--flip", flip] if flip else []) + (["--rotate", str(degrees)] if degrees else [])
                label = f"{f.name} {' '.join(extra) or 'as is'}"
                got = render(args, f, work / f"{f.stem}-{flip}-{degrees}.png", *extra)
                want = expected(plain, flip, degrees)
                same = got.shape == want.shape and np.array_equal(got, want)
                check(f"render {label}: numpy's flip and rotation of the plain render", same,
                      f"shape {got.shape} vs {want.shape}")
                d = json.loads(run(args, "compare", f, "--gpu-vs-cpu", "--size", "256x384", "--json",
                                   *extra).stdout)
                d2 = json.loads(run(args, "compare", f, "--gpu-vs-cpu", "--size", "256x384", "--json",
                                    "--interp", "linear", *extra).stdout)
                check(f"compare --gpu-vs-cpu {label}: nearest identical, bilinear within one level "
                      "on 0.01 %", d["differing"] == 0 and d2["max_abs"] <= 1 and
                      d2["differing"] <= 1e-4 * d2["pixels"], f"nearest {d['differing']}, bilinear "
                      f"{d2['differing']} (max {d2['max_abs']})")
                if f.name.startswith("SC_") or not extra:
                    continue
                h, w = got.shape[:2]
                for X, Y in ((3, 5), (w - 7, h // 3)):
                    pr = json.loads(run(args, "probe", f, "--pixel", f"{X},{Y}", "--json", *extra).stdout)
                    x, y = pr["x"], pr["y"]
                    plain_probe = json.loads(run(args, "probe", f, "--pixel", f"{x},{y}", "--json").stdout)
                    check(f"probe {label} at ({X}, {Y}) names the file pixel the turned image shows there",
                          got[Y, X] == plain[y, x] and pr["stored"] == plain_probe["stored"] and
                          pr["output"] == plain_probe["output"],
                          f"file pixel ({x}, {y}): level {got[Y, X]} vs {plain[y, x]}")
    after = {f: digest(f) for f in files}
    check("the input files are unchanged", before == after)
    return finish(RESULTS, work, bool(args.work))


if __name__ == "__main__":
    sys.exit(main())
