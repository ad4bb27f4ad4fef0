#!/usr/bin/python3
"""`dcmlens compare` against numpy: frame differences, their statistics and the difference image;
`dcmlens compare --gpu-vs-cpu` on corpus files.

usage: compare.py --dcmlens BIN [--work DIR]
"""
import argparse
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pydicom
from PIL import Image
from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian

from harness import work_folder

CORPUS = Path("/usr/lib/python3/dist-packages/pydicom/data/test_files")
RESULTS = []


def check(label, ok, detail=""):
    RESULTS.append(bool(ok))
    print(("PASS  " if ok else "FAIL  ") + label + (f"  ({detail})" if detail else ""))


def write(path, stored, slope, intercept):
    """A signed 16-bit MONOCHROME2 file of one or more frames with a rescale."""
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.7"
    meta.MediaStorageSOPInstanceUID = "2.25." + str(abs(hash(path.name)) % 10**12)
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(str(path), {}, file_meta=meta, preamble=b"\0" * 128)
    ds.is_little_endian, ds.is_implicit_VR = True, False
    ds.SOPClassUID, ds.SOPInstanceUID = meta.MediaStorageSOPClassUID, meta.MediaStorageSOPInstanceUID
    ds.Modality = "OT"
    frames = stored if stored.ndim == 3 else stored[None]
    if len(frames) > 1:
        ds.NumberOfFrames = len(frames)
    ds.Rows, ds.Columns = frames.shape[1:]
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 1
    ds.RescaleSlope, ds.RescaleIntercept = slope, intercept
    ds.PixelData = frames.astype(np.int16).tobytes()
    ds.save_as(path, write_like_original=False)


def compare(args, *extra):
    r = subprocess.run([args.dcmlens, "compare", *map(str, extra), "--json"], capture_output=True, text=True)
    return r, (json.loads(r.stdout) if r.returncode == 0 else None)


def stats_match(got, diff):
    d = diff.astype(np.float64)
    differing = int(np.count_nonzero(d.reshape(d.shape[0] * d.shape[1], -1).any(axis=1)))
    want = dict(differing=differing, max_abs=float(np.abs(d).max()), mean=float(d.mean()),
                rms=float(np.sqrt((d * d).mean())))
    ok = got["differing"] == want["differing"] and all(
        abs(got[k] - want[k]) <= 1e-9 * max(1, abs(want[k])) for k in ("max_abs", "mean", "rms"))
    return ok, f"dcmlens {got}, numpy {want}"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dcmlens", required=True)
    p.add_argument("--work")
    args = p.parse_args()
    work = work_folder(args.work, "compare")
    rng = np.random.default_rng(3)

    # Two frames of one file, in modality units (slope 2, intercept -10).
    a = rng.integers(-500, 500, (2, 30, 40))
    write(work / "two.dcm", a, 2, -10)
    r, got = compare(args, work / "two.dcm", "--frame", "1", "--frame-b", "2")
    ok, detail = stats_match(got, (a[1] - a[0]) * 2.0) if got else (False, r.stderr.strip())
    check("frame 2 - frame 1 of one file: statistics of the modality differences", ok, detail)

    # Another file with the same modality values but another rescale, except five pixels.
    b = a[0] * 2 - 10
    changed = [(3, 4, +7), (10, 20, -3), (29, 39, +1), (0, 0, -250), (15, 15, +40)]
    for y, x, delta in changed:
        b[y, x] += delta
    write(work / "other.dcm", b, 1, 0)
    diff_png = work / "diff.png"
    r, got = compare(args, work / "two.dcm", work / "other.dcm", "-o", diff_png)
    want = np.zeros((30, 40))
    for y, x, delta in changed:
        want[y, x] = delta
    ok, detail = stats_match(got, want) if got else (False, r.stderr.strip())
    check("two files with different rescales compare in modality units (5 pixels differ)",
          ok and got["differing"] == 5, detail)
    img = np.asarray(Image.open(diff_png).convert("RGB")).astype(int)
    lit = {(int(y), int(x)) for y, x in zip(*np.nonzero(img.sum(axis=2)))}
    signs_ok = all((img[y, x, 0] > img[y, x, 2]) == (delta > 0) for y, x, delta in changed)
    check("the difference image lights exactly the differing pixels, red for B > A, blue for B < A",
          lit == {(y, x) for y, x, _ in changed} and signs_ok, f"{len(lit)} lit")

    # Colour: the samples of two frames.
    rgb = CORPUS / "SC_rgb_rle_2frame.dcm"
    frames = pydicom.dcmread(rgb).pixel_array.astype(np.int64)
    r, got = compare(args, rgb, "--frame", "1", "--frame-b", "2")
    ok, detail = stats_match(got, frames[1] - frames[0]) if got else (False, r.stderr.strip())
    check("colour frames compare sample by sample", ok and got["compared"] == "samples", detail)

    # Two encodings of one image decode to the same values.
    r, got = compare(args, CORPUS / "MR_small.dcm", CORPUS / "MR_small_RLE.dcm")
    check("MR_small against its RLE encoding: identical", got and got["differing"] == 0,
          got or r.stderr.strip())

    r, _ = compare(args, CORPUS / "CT_small.dcm", CORPUS / "MR_small.dcm")
    check("images of different sizes are refused with one line",
          r.returncode == 1 and len(r.stderr.strip().splitlines()) == 1, r.stderr.strip())
    before = (work / "two.dcm").read_bytes()
    r, _ = compare(args, work / "two.dcm", "--frame-b", "2", "-o", work / "two.dcm")
    check("an output named .dcm is a usage error and the file is untouched",
          r.returncode == 2 and (work / "two.dcm").read_bytes() == before, r.stderr.strip())
    (work / "two_named.png").write_bytes(before)  # a DICOM file whose name says PNG
    r, _ = compare(args, work / "two_named.png", "--frame-b", "2", "-o", work / "two_named.png")
    check("an output that is an input file is refused and the file is untouched",
          r.returncode == 1 and (work / "two_named.png").read_bytes() == before, r.stderr.strip())

    # The GPU's view against the CPU reference of the same view.
    views = [
        ("CT_small.dcm", []),
        ("CT_small.dcm", ["--window", "40,400", "--colormap", "hot", "--size", "300x200"]),
        ("MR_small.dcm", ["--voi-function", "sigmoid", "--presentation", "inverse"]),
        ("SC_rgb_rle.dcm", ["--size", "64x64"]),
        ("693_J2KI.dcm", ["--window-index", "1"]),
        ("MR_small.dcm", ["--size", "500x500", "--interp", "linear"]),
    ]
    for name, extra in views:
        r, got = compare(args, CORPUS / name, "--gpu-vs-cpu", *extra)
        if not got:
            check(f"GPU vs CPU: {name} {' '.join(extra)}", False, r.stderr.strip())
            continue
        linear = "linear" in extra
        # Nearest views are exact; bilinear ones may differ by one level at float32 boundaries
        # (issue 3: at most 1 level on at most 0.01 % of the pixels).
        ok = got["differing"] == 0 if not linear else (
            got["max_abs"] <= 1 and got["differing"] <= 1e-4 * got["pixels"])
        check(f"GPU vs CPU: {name} {' '.join(extra)}", ok,
              f"{got['differing']} of {got['pixels']} differ, max {got['max_abs']}")

    failed = RESULTS.count(False)
    print(f"{len(RESULTS) - failed}/{len(RESULTS)} compare checks passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
