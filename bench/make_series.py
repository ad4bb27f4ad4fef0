#!/usr/bin/python3
"""Synthetic benchmark data (seeded, deterministic).

usage: make_series.py OUTDIR [--slices 300] [--size 512] [--large]

Writes OUTDIR/ct/: a CT series of N slices of SIZE x SIZE signed 16-bit values (a phantom: an
ellipse of soft tissue with bone and air inside, noise), Rescale Intercept -1024, correct
Image Position / Orientation (Patient), slice spacing 1.25 mm, Instance Numbers, and file
names shuffled so that name order is not slice order. With --large also OUTDIR/large.dcm: one
4096 x 5120 16-bit image (a mammography-sized frame).
"""
import argparse
import random
from pathlib import Path

import numpy as np
import pydicom
from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2"
SC_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.7"


def dataset(sop_class, rows, cols, uid_rng):
    def uid():
        return generate_uid(entropy_srcs=[str(uid_rng.random())])
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = sop_class
    meta.MediaStorageSOPInstanceUID = uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(None, {}, file_meta=meta, preamble=b"\0" * 128)
    ds.is_little_endian, ds.is_implicit_VR = True, False
    ds.SOPClassUID, ds.SOPInstanceUID = sop_class, meta.MediaStorageSOPInstanceUID
    ds.Rows, ds.Columns = rows, cols
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit = 16, 16, 15
    return ds, uid


def phantom(size, z, rng):
    y, x = np.mgrid[0:size, 0:size].astype(np.float32) / size - 0.5
    img = np.full((size, size), -1000.0, np.float32)                 # air, HU
    body = (x / 0.42) ** 2 + (y / 0.33) ** 2 < 1
    img[body] = 40
    img[(x / 0.08) ** 2 + ((y + 0.05 * np.sin(z / 20)) / 0.08) ** 2 < 1] = 900   # bone
    img[((x - 0.2) / 0.1) ** 2 + (y / 0.15) ** 2 < 1] = -800                      # lung
    img[((x + 0.2) / 0.1) ** 2 + (y / 0.15) ** 2 < 1] = -800
    img += rng.normal(0, 12, img.shape).astype(np.float32)
    return np.clip(img + 1024, -2048, 32767).astype(np.int16)          # stored = HU + 1024


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--slices", type=int, default=300)
    p.add_argument("--size", type=int, default=512)
    p.add_argument("--large", action="store_true")
    a = p.parse_args()
    out = Path(a.out)
    (out / "ct").mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(2026)
    uid_rng = random.Random(2026)
    study, series, frame = (generate_uid(entropy_srcs=[f"dcmlens-bench-{k}"]) for k in "abc")
    names = list(range(a.slices))
    random.Random(7).shuffle(names)
    for i in range(a.slices):
        ds, _ = dataset(CT_IMAGE_STORAGE, a.size, a.size, uid_rng)
        ds.Modality, ds.PatientName, ds.PatientID = "CT", "Bench^Phantom", "BENCH1"
        ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.FrameOfReferenceUID = study, series, frame
        ds.SeriesDescription = f"Phantom {a.slices} x {a.size}"
        ds.PixelRepresentation = 1
        ds.RescaleIntercept, ds.RescaleSlope, ds.RescaleType = -1024, 1, "HU"
        ds.WindowCenter, ds.WindowWidth = [40, -600], [400, 1500]
        ds.WindowCenterWidthExplanation = ["SOFT TISSUE", "LUNG"]
        ds.InstanceNumber = i + 1
        ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
        ds.ImagePositionPatient = [-200, -200, -i * 1.25]
        ds.PixelSpacing, ds.SliceThickness = [0.78125, 0.78125], 1.25
        ds.PixelData = phantom(a.size, i, rng).tobytes()
        ds.save_as(out / "ct" / f"IM{names[i]:05d}.dcm", write_like_original=False)
    if a.large:
        ds, _ = dataset(SC_IMAGE_STORAGE, 5120, 4096, uid_rng)
        ds.Modality, ds.PixelRepresentation = "OT", 0
        ds.BitsStored, ds.HighBit = 14, 13
        ds.WindowCenter, ds.WindowWidth = 8192, 16384
        y, x = np.mgrid[0:5120, 0:4096]
        img = ((x * 3 + y * 2) % 16384).astype(np.uint16)
        ds.PixelData = img.tobytes()
        ds.save_as(out / "large.dcm", write_like_original=False)
    print(f"wrote {a.slices} slices to {out / 'ct'}" + (" and large.dcm" if a.large else ""))


if __name__ == "__main__":
    main()
