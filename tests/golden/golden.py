#!/usr/bin/python3
"""Golden tests: `dcmlens render` (GPU, end to end through the CLI) against committed baselines.

usage: golden.py --dcmlens BIN [--corpus DIR] [--synthetic DIR] [--update]
       golden.py --self-test

Each case renders one file and compares every pixel with tests/golden/baselines/NAME.png. The
comparison is exact (0 grey levels) for nearest sampling, where the shader's output is exact by
construction. Bilinear cases (--interp linear) interpolate in float32, where a driver may fuse a
multiply-add differently: they accept 1 grey level on at most 0.1 % of the pixels. A missing
baseline is written from the output and the case FAILS, so a new baseline is always looked at
and committed on purpose. --update rewrites every baseline (after a deliberate change).
--self-test checks the comparer itself: it must report a one-pixel, one-level change.
"""
import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

HERE = Path(__file__).resolve().parent
BASELINES = HERE / "baselines"
DEFAULT_CORPUS = "/usr/lib/python3/dist-packages/pydicom/data/test_files"

# name -> (file, dcmlens render options). "synthetic:" files come from make_synthetic.py.
CASES = {
    "ct_small_default": ("CT_small.dcm", []),
    "ct_small_lung_sigmoid_512": ("CT_small.dcm", ["--window", "-600,1500", "--voi-function", "sigmoid",
                                                   "--size", "512x384"]),
    "ct_small_bone_linear_interp": ("CT_small.dcm", ["--colormap", "bone", "--size", "400x400",
                                                     "--interp", "linear"]),
    "mr_small_inverse_viridis": ("MR_small.dcm", ["--presentation", "inverse", "--colormap", "viridis"]),
    "rgb_uncompressed": ("SC_rgb_dcmtk_+eb+cr.dcm", []),
    "ybr_jpeg": ("SC_rgb_jpeg_dcmtk.dcm", []),
    "ybr_422_uncompressed": ("SC_ybr_full_422_uncompressed.dcm", []),
    "multiframe_rtdose_frame8_hot": ("rtdose.dcm", ["--frame", "8", "--colormap", "hot"]),
    "multiframe_rgb_rle_frame2": ("SC_rgb_rle_2frame.dcm", ["--frame", "2"]),
    "palette_8bit": ("synthetic:palette_8bit.dcm", []),
    "mono1_u12": ("synthetic:mono1_u12.dcm", []),
}


def compare(a, b):
    """(max abs difference, number of differing pixels) of two images; sizes must match."""
    a = np.asarray(a, dtype=np.int16)
    b = np.asarray(b, dtype=np.int16)
    if a.shape != b.shape:
        return 256, max(a.size, b.size)
    d = np.abs(a - b)
    if d.ndim == 3:
        d = d.max(axis=2)
    return int(d.max(initial=0)), int((d > 0).sum())


def self_test():
    rng = np.random.default_rng(5)
    base = rng.integers(0, 256, (40, 30, 3), dtype=np.uint8)
    same = base.copy()
    one = base.copy()
    one[17, 11, 2] ^= 1               # one pixel, one channel, one level
    grey = base[:, :, 0].copy()
    grey_one = grey.copy()
    grey_one[0, 0] = 255 - grey_one[0, 0] if grey_one[0, 0] != 127 else 0
    checks = [
        ("identical images compare equal", compare(base, same) == (0, 0)),
        ("a one-level change in one pixel is caught", compare(base, one) == (1, 1)),
        ("a change in a grey image is caught", compare(grey, grey_one)[1] == 1),
        ("a size change is caught", compare(base, base[:-1])[0] > 0),
    ]
    for label, ok in checks:
        print(("PASS  " if ok else "FAIL  ") + label)
    failed = sum(not ok for _, ok in checks)
    print(f"{len(checks) - failed} passed, {failed} failed")
    return 1 if failed else 0


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dcmlens")
    p.add_argument("--corpus", default=DEFAULT_CORPUS)
    p.add_argument("--synthetic", help="folder of make_synthetic.py's files (made if missing)")
    p.add_argument("--update", action="store_true")
    p.add_argument("--self-test", action="store_true")
    args = p.parse_args()
    if args.self_test:
        return self_test()
    if not args.dcmlens:
        p.error("--dcmlens is required")
    work = Path(tempfile.mkdtemp(prefix="dcmlens-golden-"))
    synthetic = Path(args.synthetic) if args.synthetic else work / "synthetic"
    if not synthetic.is_dir():
        subprocess.run([sys.executable, str(HERE.parent / "oracle" / "make_synthetic.py"), str(synthetic)],
                       check=True, capture_output=True)
    passed = failed = 0
    for name, (source, options) in CASES.items():
        path = synthetic / source.split(":", 1)[1] if source.startswith("synthetic:") \
            else Path(args.corpus) / source
        out = work / f"{name}.png"
        r = subprocess.run([args.dcmlens, "render", str(path), "-o", str(out), *options],
                           capture_output=True, text=True, timeout=120)
        baseline = BASELINES / f"{name}.png"
        if r.returncode != 0:
            status, note = "FAIL", r.stderr.strip()
        elif args.update or not baseline.exists():
            shutil.copyfile(out, baseline)
            status = "FAIL" if not args.update else "PASS"
            note = f"wrote baseline {baseline.relative_to(HERE.parent.parent)}; look at it and commit it"
        else:
            diff, count = compare(Image.open(out), Image.open(baseline))
            size = Image.open(baseline).size
            linear = "linear" in options
            ok = diff == 0 or (linear and diff <= 1 and count * 1000 <= size[0] * size[1])
            status = "PASS" if ok else "FAIL"
            note = f"max diff {diff}, {count} pixels differ" + ("" if diff == 0 else f" (output: {out})")
        passed += status == "PASS"
        failed += status == "FAIL"
        print(f"{status}  {name:34} {note}")
    print(f"{passed} passed, {failed} failed")
    if failed == 0:
        shutil.rmtree(work)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
