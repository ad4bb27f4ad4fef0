#!/usr/bin/python3
"""`dcmlens roi` against numpy on the same pixels (pydicom's pixel_array and apply_modality_lut).

usage: roi.py --dcmlens BIN [--corpus DIR]

Rectangles and ellipses (a pixel is inside when its centre is) on CT_small, MR_small and a frame of
rtdose: count, mean, population SD, min and max of the modality values equal numpy's (1e-9
relative); a line's length in mm uses (0028,0030) Pixel Spacing and its profile the nearest pixels.
"""
import argparse
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pydicom
from pydicom.pixel_data_handlers.util import apply_modality_lut

DEFAULT_CORPUS = "/usr/lib/python3/dist-packages/pydicom/data/test_files"
RESULTS = []


def check(label, ok, detail=""):
    RESULTS.append(bool(ok))
    print(("PASS  " if ok else "FAIL  ") + label + (f"  ({detail})" if detail else ""))


def mask(shape, kind, x, y, w, h):
    rows, cols = shape
    cy, cx = np.mgrid[0:rows, 0:cols] + 0.5
    inside = (cx >= x) & (cy >= y) & (cx <= x + w) & (cy <= y + h)
    if kind == "ellipse":
        rx, ry = w / 2, h / 2
        inside &= ((cx - (x + rx)) / rx) ** 2 + ((cy - (y + ry)) / ry) ** 2 <= 1
    return inside


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dcmlens", required=True)
    p.add_argument("--corpus", default=DEFAULT_CORPUS)
    args = p.parse_args()
    corpus = Path(args.corpus)
    for name, frame in [("CT_small.dcm", 0), ("MR_small.dcm", 0), ("rtdose.dcm", 6)]:
        ds = pydicom.dcmread(str(corpus / name))
        arr = ds.pixel_array
        if int(getattr(ds, "NumberOfFrames", 1) or 1) > 1:
            arr = arr[frame]
        values = apply_modality_lut(arr, ds).astype(np.float64)
        rows, cols = values.shape
        for kind, box in [("rect", (2, 3, cols / 2, rows / 3)), ("ellipse", (cols / 4, rows / 5, cols / 2, rows / 2)),
                          ("rect", (0, 0, cols, rows))]:
            r = subprocess.run([args.dcmlens, "roi", str(corpus / name), f"--{kind}", ",".join(map(repr, box)),
                                "--frame", str(frame + 1), "--json"], capture_output=True, text=True)
            if r.returncode != 0:
                check(f"{name} {kind} {box}", False, r.stderr.strip())
                continue
            got = json.loads(r.stdout)
            v = values[mask(values.shape, kind, *box)]
            want = {"count": v.size, "mean": v.mean(), "sd": v.std(), "min": v.min(), "max": v.max()}
            ok = got["count"] == want["count"] and all(
                math.isclose(got[k], float(want[k]), rel_tol=1e-9, abs_tol=1e-9) for k in ("mean", "sd", "min", "max"))
            check(f"{name} frame {frame + 1} {kind} {tuple(round(b, 1) for b in box)}: n, mean, SD, min, max as numpy",
                  ok, f"dcmlens {got}, numpy { {k: float(x) for k, x in want.items()} }" if not ok else f"n {v.size}")
        r = subprocess.run([args.dcmlens, "roi", str(corpus / name), "--line", f"0,0,{cols - 1},{rows - 1}",
                            "--frame", str(frame + 1), "--json"], capture_output=True, text=True)
        got = json.loads(r.stdout)
        spacing = [float(s) for s in ds.get("PixelSpacing", [])]
        want_mm = math.hypot((cols - 1) * spacing[1], (rows - 1) * spacing[0]) if spacing else None
        ok = (got["length_mm"] is None and want_mm is None) or math.isclose(got["length_mm"], want_mm, rel_tol=1e-12)
        ok = ok and got["profile"][0] == values[0, 0] and got["profile"][-1] == values[rows - 1, cols - 1]
        check(f"{name} diagonal line: length in mm from Pixel Spacing, profile ends at the corner pixels", ok,
              f"{got['length_mm']} mm vs {want_mm}")
    passed = sum(RESULTS)
    print(f"{passed} passed, {len(RESULTS) - passed} failed")
    return 0 if RESULTS and all(RESULTS) else 1


if __name__ == "__main__":
    sys.exit(main())
