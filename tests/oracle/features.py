#!/usr/bin/python3
"""Attributes DCMTK's reference renderer does not exercise, checked end to end through the CLI.

usage: features.py --dcmlens BIN [--work DIR]

1. An enhanced multi-frame object (PS3.3 C.7.6.16) whose frames carry their own Pixel Value
   Transformation (0028,9145) and Frame VOI LUT (0028,9132) in the Per-frame Functional Groups
   (5200,9230), a shared Pixel Measures (0028,9110) and per-frame Plane Position (0020,9113):
   `dcmlens info --json` reports them, and `dcmlens render --frame K` applies frame K's own rescale
   and window (levels computed here with pipeline.md's LINEAR formula, DCMTK's operation order).
2. An overlay plane (6000,3000) packed LSB first: `dcmlens info --json` counts it.
3. Shader programs kept between processes (DCMLENS_CACHE_DIR): the first `render` compiles and
   stores, the next loads and writes the same PNG; an unusable cache folder changes nothing.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image
from pydicom.dataset import Dataset, FileDataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian

from harness import work_folder

RESULTS = []


def check(label, ok, detail=""):
    RESULTS.append(bool(ok))
    print(("PASS  " if ok else "FAIL  ") + label + (f"  ({detail})" if detail else ""))


def base(path, rows, cols, frames=1):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.2.1"  # Enhanced CT Image Storage
    meta.MediaStorageSOPInstanceUID = "2.25.1234567890"
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(str(path), {}, file_meta=meta, preamble=b"\0" * 128)
    ds.is_little_endian, ds.is_implicit_VR = True, False
    ds.SOPClassUID, ds.SOPInstanceUID = meta.MediaStorageSOPClassUID, meta.MediaStorageSOPInstanceUID
    ds.Modality = "CT"
    ds.Rows, ds.Columns = rows, cols
    if frames > 1:
        ds.NumberOfFrames = frames
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
    return ds


def linear(m, c, w):
    """pipeline.md LINEAR with DCMTK's operation order (dimoopxt.h), truncated."""
    w1 = w - 1
    left, right = c - 0.5 - w1 / 2, c - 0.5 + w1 / 2
    offset, gradient = 255 - ((c - 0.5) / w1 + 0.5) * 255, 255 / w1
    y = np.where(m <= left, 0.0, np.where(m > right, 255.0, offset + m * gradient))
    return y.astype(np.int64)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dcmlens", required=True)
    p.add_argument("--work")
    args = p.parse_args()
    work = work_folder(args.work, "features")

    rng = np.random.default_rng(9)
    frames, rows, cols = 3, 32, 48
    stored = rng.integers(0, 4096, (frames, rows, cols), dtype=np.uint16)
    intercepts, windows = [-1024, -500, 0], [(40, 400), (200, 1000), (1000, 3000)]
    path = work / "enhanced.dcm"
    ds = base(path, rows, cols, frames)
    shared = Dataset()
    measures = Dataset()
    measures.PixelSpacing = [0.5, 0.5]
    measures.SliceThickness = 1.0
    shared.PixelMeasuresSequence = Sequence([measures])
    ds.SharedFunctionalGroupsSequence = Sequence([shared])
    per_frame = []
    for k in range(frames):
        item = Dataset()
        pvt = Dataset()
        pvt.RescaleIntercept, pvt.RescaleSlope, pvt.RescaleType = intercepts[k], 1, "HU"
        item.PixelValueTransformationSequence = Sequence([pvt])
        voi = Dataset()
        voi.WindowCenter, voi.WindowWidth = windows[k]
        item.FrameVOILUTSequence = Sequence([voi])
        pos = Dataset()
        pos.ImagePositionPatient = [0, 0, -2.0 * k]
        item.PlanePositionSequence = Sequence([pos])
        per_frame.append(item)
    ds.PerFrameFunctionalGroupsSequence = Sequence(per_frame)
    ds.PixelData = stored.tobytes()
    ds.save_as(path, write_like_original=False)

    info = json.loads(subprocess.run([args.dcmlens, "info", str(path), "--json"], check=True,
                                     capture_output=True, text=True).stdout)
    check("info reports the per-frame functional groups", info["enhanced_frames"] == frames,
          f"enhanced_frames {info['enhanced_frames']}")
    check("info takes the shared Pixel Measures and the first frame's position",
          info["geometry"]["pixel_spacing"] == [0.5, 0.5] and info["geometry"]["image_position"] == [0, 0, 0],
          f"{info['geometry']['pixel_spacing']} {info['geometry']['image_position']}")
    for mode in ("--cpu", None):
        for k in range(frames):
            out = work / f"frame{k}.png"
            cmd = [args.dcmlens, "render", str(path), "-o", str(out), "--frame", str(k + 1)]
            subprocess.run(cmd + ([mode] if mode else []), check=True, capture_output=True)
            got = np.asarray(Image.open(out)).astype(np.int64)
            want = linear(stored[k].astype(np.float64) + intercepts[k], *windows[k])
            diff = int(np.abs(got - want).max())
            check(f"{'CPU' if mode else 'GPU'} frame {k + 1} uses its own rescale and window", diff == 0,
                  f"max diff {diff}")

    tags = subprocess.run([args.dcmlens, "info", str(work / "enhanced.dcm"), "--tags"], check=True,
                          capture_output=True, text=True).stdout
    check("info --tags dumps the functional groups with one item per frame",
          "PerFrameFunctionalGroupsSequence" in tags and tags.count("PixelValueTransformationSequence") == frames
          and "(0028,9110)".lower() in tags, f"{tags.count('PixelValueTransformationSequence')} items")

    path = work / "overlay.dcm"
    ds = base(path, rows, cols)
    ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.7"
    ds.PixelData = stored[0].tobytes()
    bits = np.zeros(rows * cols, dtype=np.uint8)
    bits[::7] = 1
    ds.add_new(0x60000010, "US", rows)
    ds.add_new(0x60000011, "US", cols)
    ds.add_new(0x60000040, "CS", "G")
    ds.add_new(0x60000050, "SS", [1, 1])
    ds.add_new(0x60000100, "US", 1)
    ds.add_new(0x60000102, "US", 0)
    ds.add_new(0x60003000, "OW", np.packbits(bits, bitorder="little").tobytes())
    ds.save_as(path, write_like_original=False)
    info = json.loads(subprocess.run([args.dcmlens, "info", str(path), "--json"], check=True,
                                     capture_output=True, text=True).stdout)
    check("info counts the overlay plane (6000,3000)", info["overlays"] == 1, f"overlays {info['overlays']}")

    def render_with_cache(cache, out):
        # Mesa gives program binaries only with its own shader cache on.
        env = dict(os.environ, DCMLENS_CACHE_DIR=str(cache), MESA_SHADER_CACHE_DISABLE="false")
        run = subprocess.run([args.dcmlens, "render", str(work / "enhanced.dcm"), "-o", str(out), "--timings"],
                             capture_output=True, text=True, env=env)
        line = next((l for l in run.stderr.splitlines() if l.startswith("shader programs:")), "")
        return run.returncode, line, out.read_bytes() if out.exists() else b""

    cache = work / "cache"
    shutil.rmtree(cache, ignore_errors=True)  # a --work folder of an earlier run
    first = render_with_cache(cache, work / "cache1.png")
    second = render_with_cache(cache, work / "cache2.png")
    stored = list((cache / "programs").glob("*.bin")) if (cache / "programs").is_dir() else []
    check("the first render compiles its shader program and stores it",
          first[0] == 0 and first[1] == "shader programs: 0 from the cache, 1 compiled" and len(stored) == 1,
          f"{first[1]!r}, {len(stored)} files")
    check("the next render loads it and writes the same PNG",
          second[0] == 0 and second[1] == "shader programs: 1 from the cache, 0 compiled" and second[2] == first[2],
          repr(second[1]))
    blocker = work / "not-a-folder"
    blocker.write_bytes(b"x")
    third = render_with_cache(blocker, work / "cache3.png")
    check("an unusable cache folder compiles and writes the same PNG",
          third[0] == 0 and third[1] == "shader programs: 0 from the cache, 1 compiled" and third[2] == first[2]
          and blocker.read_bytes() == b"x", repr(third[1]))

    passed = sum(RESULTS)
    print(f"{passed} passed, {len(RESULTS) - passed} failed")
    if not args.work and all(RESULTS):
        shutil.rmtree(work)
    return 0 if RESULTS and all(RESULTS) else 1


if __name__ == "__main__":
    sys.exit(main())
