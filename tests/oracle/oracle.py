#!/usr/bin/python3
"""Pixel-exact oracle: `dcmlens render` against DCMTK's reference renderer.

Usage:
    oracle.py --dcmlens BIN [--corpus DIR] [--work TMPDIR] [--mode cpu|gpu]
              [--extra-args ARG ...]

For every *.dcm file of the corpus (sorted) that is an image -- it has
(7FE0,0010) Pixel Data, (0028,0010) Rows and (0028,0011) Columns -- and for
its first and last frame (1-based, as DCMTK's `+F n`), render with dcmlens and
with DCMTK and compare every pixel (see /work/shared/docs/pipeline.md).

Cases, greyscale (MONOCHROME1/2):
  window K        each window of (0028,1050)/(0028,1051), K is 1-based
                  dcmlens --window-index K            DCMTK +Wi K
  minmax          only when the file holds no window
                  dcmlens --window minmax             DCMTK +Wm
  explicit        C = (min+max)/2, W = (max-min)/2 of the frame's modality values
                  dcmlens --window=C,W                DCMTK +Ww C W
  sigmoid         dcmlens --window=C,W --voi-function sigmoid      DCMTK +Ww C W +Wfs
  linear-exact    dcmlens --window=C,W --voi-function linear-exact DCMTK +Ww C+0.5 W+1
  inverse         dcmlens --window=C,W --presentation inverse      DCMTK +Ww C W +Piv
  voi-lut K       each item of (0028,3010) VOI LUT Sequence, K is 1-based
                  dcmlens --voi-lut K                 DCMTK +Wl K
Cases, colour (RGB, YBR_*, PALETTE COLOR): one default rendering.

Every DCMTK call gets -O (no overlays) and +op (8-bit binary PGM/PPM).
The window is passed as `--window=C,W` so that a negative centre is not taken
for an option.  A file the reference cannot render (DCMTK or pydicom fails) is
reported as reference-failed and not counted.  Tolerance: 0 grey levels when
(0028,1053) Rescale Slope and (0028,1052) Rescale Intercept are integers (or
absent) and there is no (0028,3000) Modality LUT Sequence, else 1.
"""
import argparse
import concurrent.futures
import os
import shutil
import subprocess
import sys
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pydicom
from pydicom.encaps import generate_pixel_data_frame
from pydicom.pixel_data_handlers.util import apply_modality_lut
from PIL import Image

DEFAULT_CORPUS = "/usr/lib/python3/dist-packages/pydicom/data/test_files"
TIMEOUT_S = 120
# (0002,0010) Transfer Syntax UID -> DCMTK tool.  Anything else (native, deflate,
# RLE, big endian) goes to dcm2pnm.  JPEG 2000 is decompressed by gdcmconv first.
JPEG_TS = {"1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51",
           "1.2.840.10008.1.2.4.57", "1.2.840.10008.1.2.4.70"}
JPEG_LS_TS = {"1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81"}
J2K_TS = {"1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91"}
GREY = {"MONOCHROME1", "MONOCHROME2"}
# Files DCMTK 3.6.7 decodes wrongly, with a twin holding the same image that it decodes right:
# 32-bit big-endian OW data has its 16-bit halves swapped by DCMTK (pydicom and dcmlens read
# the values of the little-endian twin). The reference renders the twin.
DCMTK_MISREADS = {"rtdose_expb.dcm": "rtdose.dcm",
                  "rtdose_expb_1frame.dcm": "rtdose_1frame.dcm"}


@dataclass
class Case:
    file: str
    label: str
    frame: object                 # 1-based frame number, "-" for the whole file
    dcmlens_cmd: list
    dcmtk_cmd: list
    out_png: str
    ref_pnm: str
    tolerance: int


@dataclass
class Result:
    case: Case
    status: str = "FAIL"          # PASS, FAIL or reference-failed
    max_diff: int = 0
    n_diff: int = 0
    note: str = ""


def num(x):
    """Format a window value so that both programs get the same decimal string."""
    return format(round(float(x), 3), ".10g")


def frame_attr(ds, frame, seq_kw, attr_kw):
    """Value of attr_kw for a frame: (5200,9230) Per-frame, then (5200,9229)
    Shared Functional Groups Sequence item's seq_kw, then the top level."""
    for fg_kw, idx in (("PerFrameFunctionalGroupsSequence", frame - 1),
                       ("SharedFunctionalGroupsSequence", 0)):
        groups = ds.get(fg_kw)
        if groups and len(groups) > idx and seq_kw in groups[idx]:
            seq = groups[idx][seq_kw]
            if len(seq) and attr_kw in seq[0]:
                return seq[0][attr_kw].value
    return ds.get(attr_kw)


def as_list(value):
    """A possibly multi-valued DS as a list of floats ([] if absent)."""
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple, pydicom.multival.MultiValue)):
        return [float(v) for v in value]
    return [float(value)]


def stored_values(arr, ds):
    """Mask to (0028,0101) Bits Stored ending at (0028,0102) High Bit and
    sign-extend when (0028,0103) Pixel Representation is 1 (PS3.5 8.1.1)."""
    bits = int(ds.BitsStored)
    shift = int(ds.get("HighBit", bits - 1)) + 1 - bits
    a = (arr.astype(np.int64) >> shift) & ((1 << bits) - 1)
    if int(ds.get("PixelRepresentation", 0)) == 1:
        a = np.where(a >= 1 << (bits - 1), a - (1 << bits), a)
    return a


def jpeg_colour_option(ds):
    """dcmj2pnm colour conversion.  The default +cp converts only when the
    header says YBR.  A stream that the header calls RGB but that is YCbCr
    (JFIF APP0 marker, Adobe APP14 transform != 0, or subsampled chroma, which
    only YCbCr uses) is converted with +ca (SC_rgb_jpeg_lossy_gdcm.dcm)."""
    if ds.get("PhotometricInterpretation") != "RGB":
        return []
    b = next(generate_pixel_data_frame(ds.PixelData))
    i, ycc = 2, False
    while i + 4 <= len(b) and b[i] == 0xFF:
        marker, length = b[i + 1], int.from_bytes(b[i + 2:i + 4], "big")
        if marker == 0xE0 and b[i + 4:i + 9] == b"JFIF\0":
            ycc = True
        if marker == 0xEE and b[i + 4:i + 9] == b"Adobe":
            return [] if b[i + 15] == 0 else ["+ca"]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            n = b[i + 9]
            sampling = {b[i + 11 + 3 * k] for k in range(n)}
            ycc = ycc or len(sampling) > 1
        if marker == 0xDA:
            break
        i += 2 + length
    return ["+ca"] if ycc else []


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True,
                          errors="replace", timeout=TIMEOUT_S)


class Plan:
    """Builds the cases of one corpus file."""

    def __init__(self, args, path):
        self.args, self.path, self.name = args, path, path.name
        self.tmp = Path(args.work) / path.stem

    def read(self):
        """Header (Pixel Data deferred) or None when not an image."""
        try:
            ds = pydicom.dcmread(str(self.path), force=True, defer_size=4096)
        except Exception:
            return None
        if not all(k in ds for k in ("PixelData", "Rows", "Columns")):
            return None
        return ds

    def decoded_copy(self):
        """A native-syntax copy decoded by GDCM (`gdcmconv --raw`)."""
        raw = str(self.tmp / ("raw_" + self.name))
        r = run(["gdcmconv", "--raw", str(self.path), raw])
        if r.returncode != 0:
            raise RuntimeError("gdcmconv --raw failed: " + last_line(r.stderr))
        return raw

    def reference_input(self, ds):
        """(DCMTK tool, file it reads, extra options) for (0002,0010)."""
        meta = getattr(ds, "file_meta", None)
        ts = str(getattr(meta, "TransferSyntaxUID", ""))
        twin = self.path.parent / DCMTK_MISREADS.get(self.name, "-")
        if twin.exists():
            return "dcm2pnm", str(twin), []
        if ts in J2K_TS:           # DCMTK 3.6.7 has no JPEG 2000 codec
            return "dcm2pnm", self.decoded_copy(), []
        if ts in JPEG_LS_TS:
            return "dcml2pnm", str(self.path), []
        if ts in JPEG_TS:
            return "dcmj2pnm", str(self.path), jpeg_colour_option(ds)
        return "dcm2pnm", str(self.path), []   # native, deflate, RLE, big endian

    def cases(self):
        """List of Case, a reference-failed Result, or None (not an image)."""
        ds = self.read()
        if ds is None:
            return None
        self.tmp.mkdir(parents=True, exist_ok=True)
        try:
            tool, ref_in, colour_opts = self.reference_input(ds)
            frames = int(ds.get("NumberOfFrames", 1) or 1)
            grey = ds.get("PhotometricInterpretation", "MONOCHROME2") in GREY
            values = self.modality_values(ref_in, frames) if grey else None
        except Exception as e:   # the reference side cannot read this file
            return Result(Case(self.name, "-", "-", [], [], "", "", 0),
                          "reference-failed", note=f"{type(e).__name__}: {e}")
        tol = self.tolerance(ds, frames)
        out = []
        for frame in sorted({1, frames}):
            if grey:
                specs = self.grey_specs(ds, frame, values[frame - 1])
            else:
                specs = [("colour", [], [])]
            for label, lens_opts, dcmtk_opts in specs:
                stem = str(self.tmp / f"{label.replace(' ', '')}_f{frame}")
                lens = [self.args.dcmlens, "render", str(self.path),
                        "-o", stem + ".png", *self.args.mode_flags,
                        "--frame", str(frame), *lens_opts, *self.args.extra_args]
                ref = [tool, "-O", "+op", "+F", str(frame), *colour_opts,
                       *dcmtk_opts, ref_in, stem + ".ref.pnm"]
                out.append(Case(self.name, label, frame, lens, ref,
                                stem + ".png", stem + ".ref.pnm", tol))
        return out

    def modality_values(self, path, frames):
        """Per-frame modality values (PS3.3 C.11.1): stored values, then the
        (0028,3000) Modality LUT or (0028,1053)/(0028,1052) rescale.  Pixel
        data pydicom cannot decode (JPEG, JPEG-LS) is decoded by GDCM."""
        ds = pydicom.dcmread(path, force=True)
        try:
            pixels = ds.pixel_array
        except Exception:
            ts = str(getattr(ds, "file_meta", {}).get("TransferSyntaxUID", ""))
            if ts not in JPEG_TS | JPEG_LS_TS:
                raise
            ds = pydicom.dcmread(self.decoded_copy(), force=True)
            pixels = ds.pixel_array
        arr = stored_values(pixels, ds).reshape(
            frames, int(ds.Rows), int(ds.Columns))
        if "ModalityLUTSequence" in ds:
            return [apply_modality_lut(a, ds).astype(np.float64) for a in arr]
        out = []
        for f, a in enumerate(arr, start=1):
            slope = frame_attr(ds, f, "PixelValueTransformationSequence", "RescaleSlope")
            icept = frame_attr(ds, f, "PixelValueTransformationSequence", "RescaleIntercept")
            out.append(a * float(slope if slope not in (None, "") else 1)
                       + float(icept if icept not in (None, "") else 0))
        return out

    @staticmethod
    def tolerance(ds, frames):
        """0 for integer rescale and no Modality LUT, else 1 (pipeline.md)."""
        if "ModalityLUTSequence" in ds:
            return 1
        for f in range(1, frames + 1):
            for kw in ("RescaleSlope", "RescaleIntercept"):
                v = frame_attr(ds, f, "PixelValueTransformationSequence", kw)
                if v not in (None, "") and float(v) != int(float(v)):
                    return 1
        return 0

    @staticmethod
    def grey_specs(ds, frame, values):
        """(label, dcmlens options, DCMTK options) for one greyscale frame."""
        specs = []
        centers = as_list(frame_attr(ds, frame, "FrameVOILUTSequence", "WindowCenter"))
        widths = as_list(frame_attr(ds, frame, "FrameVOILUTSequence", "WindowWidth"))
        for k in range(1, min(len(centers), len(widths)) + 1):
            specs.append((f"window {k}", ["--window-index", str(k)], ["+Wi", str(k)]))
        if not specs:
            kept = non_padding(ds, values)
            if kept.size == values.size:
                specs.append(("minmax", ["--window", "minmax"], ["+Wm"]))
            else:
                # DCMTK's +Wm counts Pixel Padding Value (0028,0120) pixels; dcmlens excludes
                # them (PS3.3 C.7.5.1.1.2, pipeline.md), so the reference gets that window.
                mn, mx = float(kept.min()), float(kept.max())
                specs.append(("minmax-padding", ["--window", "minmax"],
                              ["+Ww", num((mn + mx + 1) / 2), num(mx - mn + 1)]))
        lo, hi = float(values.min()), float(values.max())
        c, w = (lo + hi) / 2, max((hi - lo) / 2, 2.0)
        window = [f"--window={num(c)},{num(w)}"]
        specs += [
            ("explicit", window, ["+Ww", num(c), num(w)]),
            ("sigmoid", window + ["--voi-function", "sigmoid"],
             ["+Ww", num(c), num(w), "+Wfs"]),
            ("linear-exact", window + ["--voi-function", "linear-exact"],
             ["+Ww", num(float(num(c)) + 0.5), num(float(num(w)) + 1), "+Wfl"]),
            ("inverse", window + ["--presentation", "inverse"],
             ["+Ww", num(c), num(w), "+Piv"]),
        ]
        for k in range(1, len(ds.get("VOILUTSequence", [])) + 1):
            specs.append((f"voi-lut {k}", ["--voi-lut", str(k)], ["+Wl", str(k)]))
        return specs


def non_padding(ds, values):
    """Modality values of a frame without its padding pixels: (0028,0120) Pixel Padding Value,
    up to (0028,0121) Pixel Padding Range Limit, compared in the stored domain."""
    if "PixelPaddingValue" not in ds:
        return values.ravel()
    pad = [float(ds.PixelPaddingValue), float(ds.get("PixelPaddingRangeLimit", ds.PixelPaddingValue))]
    slope = float(ds.get("RescaleSlope", 1) or 1)
    icept = float(ds.get("RescaleIntercept", 0) or 0)
    lo, hi = sorted(v * slope + icept for v in pad)
    v = values.ravel()
    return v[(v < lo) | (v > hi)]


def last_line(text):
    lines = [l for l in text.strip().splitlines() if l.strip()]
    return lines[-1] if lines else ""


def load(path):
    """An 8-bit image as an int32 array and its PIL mode."""
    with Image.open(path) as im:
        return np.asarray(im).astype(np.int32), im.mode


def check(case):
    """Render with both programs and compare every pixel."""
    res = Result(case)
    try:
        ref = run(case.dcmtk_cmd)
    except subprocess.TimeoutExpired:
        ref = None
    if ref is None or ref.returncode != 0 or not os.path.exists(case.ref_pnm):
        res.status = "reference-failed"
        res.note = "DCMTK: " + (last_line(ref.stderr) if ref else "timeout")
        return res
    try:
        lens = run(case.dcmlens_cmd)
    except subprocess.TimeoutExpired:
        res.note = f"dcmlens timed out after {TIMEOUT_S} s"
        return res
    if lens.returncode != 0:
        res.note = f"dcmlens exit {lens.returncode}: {last_line(lens.stderr)}"
        return res
    try:
        got, got_mode = load(case.out_png)
    except Exception as e:
        res.note = f"cannot read dcmlens output: {e}"
        return res
    want, want_mode = load(case.ref_pnm)
    if got_mode != want_mode or got.shape != want.shape:
        res.note = f"dcmlens {got_mode} {got.shape} != DCMTK {want_mode} {want.shape}"
        return res
    diff = np.abs(got - want)
    res.max_diff, res.n_diff = int(diff.max()), int(np.count_nonzero(diff))
    res.status = "PASS" if res.max_diff <= case.tolerance else "FAIL"
    return res


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dcmlens", required=True, help="path to the dcmlens binary")
    p.add_argument("--corpus", default=DEFAULT_CORPUS)
    p.add_argument("--work", help="temp dir (default: a new mkdtemp)")
    p.add_argument("--mode", choices=("cpu", "gpu"), default="cpu",
                   help="cpu passes --cpu to dcmlens, gpu passes nothing")
    p.add_argument("--extra-args", nargs=argparse.REMAINDER, default=[],
                   help="appended to every dcmlens command line (must be last)")
    args = p.parse_args()
    warnings.simplefilter("ignore")   # pydicom's warnings about odd corpus files
    own_work = not args.work
    args.work = args.work or tempfile.mkdtemp(prefix="dcmlens-oracle-")
    args.mode_flags = ["--cpu"] if args.mode == "cpu" else []

    cases, results, skipped = [], [], []
    for path in sorted(Path(args.corpus).glob("*.dcm")):
        planned = Plan(args, path).cases()
        if planned is None:
            skipped.append(path.name)
        elif isinstance(planned, Result):
            results.append(planned)
        else:
            cases += planned
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        results += list(pool.map(check, cases))
    results.sort(key=lambda r: r.case.file)   # stable: keeps case order

    print(f"{'file':44} {'case':14} {'frame':>5} {'maxdiff':>7} "
          f"{'differing':>9} {'tol':>3}  status")
    for r in results:
        c = r.case
        print(f"{c.file:44} {c.label:14} {c.frame:>5} {r.max_diff:7} "
              f"{r.n_diff:9} {c.tolerance:3}  {r.status}"
              + (f"  ({r.note})" if r.note else ""))
        if r.status == "FAIL":
            print("    dcmlens:", " ".join(c.dcmlens_cmd))
            print("    DCMTK:  ", " ".join(c.dcmtk_cmd))
    print(f"not images, skipped ({len(skipped)}): {' '.join(skipped)}")

    ran = [r for r in results if r.status != "reference-failed"]
    passed = sum(r.status == "PASS" for r in ran)
    failed = len(ran) - passed
    print(f"{len({r.case.file for r in ran})} files x cases: {len(ran)} cases "
          f"compared, {len(results) - len(ran)} reference-failed, "
          f"overall max diff {max((r.max_diff for r in ran), default=0)}, "
          f"total differing pixels {sum(r.n_diff for r in ran)}")
    if own_work and failed == 0:
        shutil.rmtree(args.work)      # keep the images only when something failed
    else:
        print(f"images are in {args.work}")
    print(f"{passed} passed, {failed} failed")
    return 0 if ran and failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
