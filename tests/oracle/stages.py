#!/usr/bin/python3
"""The stage view (`dcmlens render --stage`), CPU and GPU, against values computed here.

usage: stages.py --dcmlens BIN [--work DIR]

A signed 16-bit MONOCHROME1 image with a negative rescale slope, a Pixel Padding Value and a
window is rendered at every stage; the expected grey levels come from numpy with pipeline.md's
LINEAR formula in DCMTK's operation order:
- stored: the stored values through a min-max LINEAR window (padding excluded), rescale skipped;
- modality: the rescaled values through their own min-max LINEAR window;
- voi: the file's window without MONOCHROME1's inversion (the output stage inverts);
- an explicit --window applies to the stage's own values.
MR_small from pydicom's corpus is checked the same way (stored and voi stages). Colour images and
unknown stage names are refused with one line.
"""
import argparse
import subprocess
import sys
from pathlib import Path

import numpy as np
import pydicom
from PIL import Image
from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian

sys.path.insert(0, str(Path(__file__).resolve().parent))
from features import linear  # noqa: E402  (the same LINEAR reference as the features test)

from harness import work_folder

CORPUS = Path("/usr/lib/python3/dist-packages/pydicom/data/test_files")
RESULTS = []


def check(label, ok, detail=""):
    RESULTS.append(bool(ok))
    print(("PASS  " if ok else "FAIL  ") + label + (f"  ({detail})" if detail else ""))


def min_max_window(values):
    lo, hi = float(values.min()), float(values.max())
    return (lo + hi + 1) / 2, hi - lo + 1


def make_image(path):
    rng = np.random.default_rng(21)
    stored = rng.integers(-3000, 3000, (40, 56), dtype=np.int16)
    stored[:4, :] = -32000  # padding, far outside the data: must not set the min-max window
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.7"
    meta.MediaStorageSOPInstanceUID = "2.25.4242"
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(str(path), {}, file_meta=meta, preamble=b"\0" * 128)
    ds.is_little_endian, ds.is_implicit_VR = True, False
    ds.SOPClassUID, ds.SOPInstanceUID = meta.MediaStorageSOPClassUID, meta.MediaStorageSOPInstanceUID
    ds.Modality = "OT"
    ds.Rows, ds.Columns = stored.shape
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME1"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 1
    ds.RescaleSlope, ds.RescaleIntercept = -2, 100
    ds.WindowCenter, ds.WindowWidth = 500, 4000
    ds.add_new(0x00280120, "SS", -32000)  # Pixel Padding Value
    ds.PixelData = stored.tobytes()
    ds.save_as(path, write_like_original=False)
    return stored


def render(dcmlens, path, out, *extra):
    return subprocess.run([dcmlens, "render", str(path), "-o", str(out), *extra],
                          capture_output=True, text=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dcmlens", required=True)
    p.add_argument("--work")
    args = p.parse_args()
    work = work_folder(args.work, "stages")

    path = work / "mono1.dcm"
    stored = make_image(path).astype(np.float64)
    data = stored[4:, :]  # without the padding rows
    modality = stored * -2 + 100
    cases = [
        ("stored", [], linear(stored, *min_max_window(data))),
        ("modality", [], linear(modality, *min_max_window(data * -2 + 100))),
        ("voi", [], linear(modality, 500, 4000)),
        ("stored", ["--window", "0,2000"], linear(stored, 0, 2000)),
        ("modality", ["--window", "-100,3000"], linear(modality, -100, 3000)),
    ]
    mr = pydicom.dcmread(CORPUS / "MR_small.dcm")
    mr_stored = mr.pixel_array.astype(np.float64)
    cases_mr = [
        ("stored", [], linear(mr_stored, *min_max_window(mr_stored))),
        ("voi", [], linear(mr_stored, float(mr.WindowCenter), float(mr.WindowWidth))),
    ]
    for file, file_cases in ((path, cases), (CORPUS / "MR_small.dcm", cases_mr)):
        for stage, extra, want in file_cases:
            images = {}
            for mode in ("cpu", "gpu"):
                out = work / f"{file.stem}-{stage}-{len(extra)}-{mode}.png"
                r = render(args.dcmlens, file, out, "--stage", stage, *extra,
                           *(["--cpu"] if mode == "cpu" else []))
                if r.returncode != 0:
                    check(f"{file.name} --stage {stage} {' '.join(extra)} ({mode})", False, r.stderr.strip())
                    continue
                got = np.asarray(Image.open(out)).astype(np.int64)
                images[mode] = got
                diff = int(np.abs(got - want).max())
                check(f"{file.name} --stage {stage} {' '.join(extra)} ({mode}) equals numpy", diff == 0,
                      f"max diff {diff}")
            if len(images) == 2:
                check(f"{file.name} --stage {stage} {' '.join(extra)}: GPU equals CPU",
                      np.array_equal(images["cpu"], images["gpu"]))

    # The output stage inverts (MONOCHROME1); the voi stage does not.
    render(args.dcmlens, path, work / "out.png")
    out = np.asarray(Image.open(work / "out.png")).astype(np.int64)
    voi = linear(modality, 500, 4000)
    check("the output stage of MONOCHROME1 differs from the voi stage (inversion)",
          not np.array_equal(out, voi) and np.corrcoef(out.ravel(), voi.ravel())[0, 1] < -0.99)

    for extra, label in ((["--stage", "rescaled"], "an unknown stage name"),
                         (["--stage", "stored", "--colormap", "hot"], "a colormap with a value stage")):
        r = render(args.dcmlens, path, work / "bad.png", *extra)
        check(f"{label} is refused with one line", r.returncode != 0 and len(r.stderr.strip().splitlines()) == 1,
              r.stderr.strip())
    colour = CORPUS / "SC_rgb_jpeg_dcmd.dcm"
    r = render(args.dcmlens, colour, work / "rgb.png", "--stage", "stored")
    check("a colour image at --stage stored is refused with one line",
          r.returncode != 0 and len(r.stderr.strip().splitlines()) == 1, r.stderr.strip())

    failed = RESULTS.count(False)
    print(f"{len(RESULTS) - failed}/{len(RESULTS)} stage checks passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
