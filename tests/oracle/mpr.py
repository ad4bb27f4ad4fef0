#!/usr/bin/python3
"""MPR and slab projections against an independent numpy/scipy implementation.

usage: mpr.py --dcmlens BIN [--work DIR]

Synthetic series are written here with pydicom; the expected images are computed from the
files' own attributes (Image Position / Orientation (Patient), Pixel Spacing, rescale, window:
read back with pydicom), never from dcmlens' output, with the output geometry the README states
(square pixels of the finest spacing covering the volume's extent along the plane's axes,
centred; radiological axial / coronal / sagittal axes) and pipeline.md's LINEAR window. Both the
CPU reference (--cpu) and the GPU are checked.

1. An evenly spaced series: coronal and sagittal nearest equal the stacked stored values indexed
   directly (exactly; the geometry puts every sample far from a rounding tie).
2. Uneven spacing with a gap, and a gantry-tilted series: scipy.ndimage.map_coordinates order 0
   (exact, except samples within 1e-3 voxel of a tie, which are counted and must be rare) and
   order 1 (within one level, on at most 1 % of the pixels: float positions and weights).
3. MIP, MinIP and mean slabs against numpy's max / min / mean along the axis.
4. A tilted phantom with an analytic sphere: a circle on the coronal plane, not an ellipse (and
   the same slices stacked along their normal, ignoring the tilt, are an ellipse).
5. An enhanced multi-frame object (per-frame Plane Position) reformats like the files.
6. `probe --plane` names the voxel (column, row, slice, file) and, for a MIP, the slice the
   maximum came from.
"""
import argparse
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pydicom
from PIL import Image
from pydicom.dataset import Dataset, FileDataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian
from scipy import ndimage

from harness import finish, work_folder

RESULTS = []
CT = "1.2.840.10008.5.1.4.1.1.2"


def check(label, ok, detail=""):
    RESULTS.append(bool(ok))
    print(("PASS  " if ok else "FAIL  ") + label + (f"  ({detail})" if detail else ""))


# --- writing the inputs --------------------------------------------------------------------

def dataset(path, rows, cols, uid):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = CT
    meta.MediaStorageSOPInstanceUID = uid
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(str(path), {}, file_meta=meta, preamble=b"\0" * 128)
    ds.is_little_endian, ds.is_implicit_VR = True, False
    ds.SOPClassUID, ds.SOPInstanceUID = CT, uid
    ds.Modality = "CT"
    ds.Rows, ds.Columns = rows, cols
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 1
    ds.StudyInstanceUID, ds.SeriesInstanceUID = "2.25.11", "2.25.12"
    ds.FrameOfReferenceUID = "2.25.13"
    return ds


def write_series(folder, stored, positions, iop, spacing, intercept=-1024, window=(0, 2000)):
    """One file per slice; file order shuffled so that names do not give the order away."""
    folder.mkdir(parents=True, exist_ok=True)
    order = np.random.default_rng(5).permutation(len(positions))
    for n, k in enumerate(order):
        ds = dataset(folder / f"f{n:03d}.dcm", stored.shape[1], stored.shape[2], f"2.25.2{k:04d}")
        ds.ImagePositionPatient = [float(v) for v in positions[k]]
        ds.ImageOrientationPatient = [float(v) for v in iop]
        ds.PixelSpacing = [float(spacing[0]), float(spacing[1])]
        ds.RescaleIntercept, ds.RescaleSlope, ds.RescaleType = intercept, 1, "HU"
        ds.WindowCenter, ds.WindowWidth = window
        ds.InstanceNumber = int(k) + 1
        ds.PixelData = stored[k].astype("<i2").tobytes()
        ds.save_as(folder / f"f{n:03d}.dcm", write_like_original=False)


def write_enhanced(path, stored, positions, iop, spacing, intercept, window):
    ds = dataset(path, stored.shape[1], stored.shape[2], "2.25.31")
    ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.2.1"
    ds.NumberOfFrames = stored.shape[0]
    shared = Dataset()
    measures = Dataset()
    measures.PixelSpacing = [float(spacing[0]), float(spacing[1])]
    shared.PixelMeasuresSequence = Sequence([measures])
    orientation = Dataset()
    orientation.ImageOrientationPatient = [float(v) for v in iop]
    shared.PlaneOrientationSequence = Sequence([orientation])
    pvt = Dataset()
    pvt.RescaleIntercept, pvt.RescaleSlope, pvt.RescaleType = intercept, 1, "HU"
    shared.PixelValueTransformationSequence = Sequence([pvt])
    voi = Dataset()
    voi.WindowCenter, voi.WindowWidth = window
    shared.FrameVOILUTSequence = Sequence([voi])
    ds.SharedFunctionalGroupsSequence = Sequence([shared])
    frames = []
    for p in positions:
        item = Dataset()
        pos = Dataset()
        pos.ImagePositionPatient = [float(v) for v in p]
        item.PlanePositionSequence = Sequence([pos])
        frames.append(item)
    ds.PerFrameFunctionalGroupsSequence = Sequence(frames)
    ds.PixelData = stored.astype("<i2").tobytes()
    ds.save_as(path, write_like_original=False)


# --- reading them back: the reference's own volume ---------------------------------------

class Volume:
    """Slices sorted along the normal (head first), from the files' attributes alone."""

    def __init__(self, paths):
        slices = []
        for path in paths:
            ds = pydicom.dcmread(path)
            pixels = ds.pixel_array.astype(np.float64)
            if int(getattr(ds, "NumberOfFrames", 1)) > 1:
                sh = ds.SharedFunctionalGroupsSequence[0]
                iop = np.array(sh.PlaneOrientationSequence[0].ImageOrientationPatient, float)
                spacing = np.array(sh.PixelMeasuresSequence[0].PixelSpacing, float)
                pvt = sh.PixelValueTransformationSequence[0]
                slope, intercept = float(pvt.RescaleSlope), float(pvt.RescaleIntercept)
                voi = sh.FrameVOILUTSequence[0]
                window = (float(voi.WindowCenter), float(voi.WindowWidth))
                for k, item in enumerate(ds.PerFrameFunctionalGroupsSequence):
                    ipp = np.array(item.PlanePositionSequence[0].ImagePositionPatient, float)
                    slices.append((ipp, pixels[k], str(path), k))
            else:
                iop = np.array(ds.ImageOrientationPatient, float)
                spacing = np.array(ds.PixelSpacing, float)
                slope, intercept = float(ds.RescaleSlope), float(ds.RescaleIntercept)
                window = (float(ds.WindowCenter), float(ds.WindowWidth))
                slices.append((np.array(ds.ImagePositionPatient, float), pixels, str(path), 0))
        self.row_dir, self.col_dir = iop[:3], iop[3:]
        self.normal = np.cross(self.row_dir, self.col_dir)
        self.row_spacing, self.col_spacing = spacing
        slices.sort(key=lambda s: -float(np.dot(s[0], self.normal)))
        self.positions = np.array([s[0] for s in slices])
        self.stored = np.array([s[1] for s in slices])
        self.files = [(s[2], s[3]) for s in slices]
        self.modality = self.stored * slope + intercept
        self.window = window
        self.n, self.rows, self.cols = self.stored.shape
        self.along = self.positions @ self.normal
        gaps = -np.diff(self.along)
        self.slice_spacing = float(np.median(gaps))
        self.step = (self.positions[-1] - self.positions[0]) / (self.n - 1)
        ideal = self.positions[0] + np.arange(self.n)[:, None] * self.step
        self.even = np.abs(self.positions - ideal).max() <= 0.01 * abs(self.step @ self.normal)
        self.M = np.column_stack([self.col_spacing * self.row_dir,
                                  self.row_spacing * self.col_dir, self.step])

    def finest(self):
        return min(self.row_spacing, self.col_spacing, self.slice_spacing)

    def voxel(self, p):
        """(slice, row, column) coordinates of patient points p (..., 3)."""
        d = p - self.positions[0]
        if self.even:
            crs = d @ np.linalg.inv(self.M).T
            return crs[..., 2], crs[..., 1], crs[..., 0]
        # Uneven: the slice coordinate piecewise between the real positions (extrapolated with
        # the end gaps); column and row in the slices' frame (these uneven series are not tilted).
        a = p @ self.normal
        s = np.interp(-a, -self.along, np.arange(self.n, dtype=float))
        lo = a > self.along[0]
        s[lo] = (self.along[0] - a[lo]) / (self.along[0] - self.along[1])
        hi = a < self.along[-1]
        s[hi] = self.n - 1 + (self.along[-1] - a[hi]) / (self.along[-2] - self.along[-1])
        return s, (d @ self.col_dir) / self.row_spacing, (d @ self.row_dir) / self.col_spacing

    def corners(self):
        out = []
        for i in range(8):
            c = self.cols - 0.5 if i & 1 else -0.5
            r = self.rows - 0.5 if i & 2 else -0.5
            if i & 4:  # half the last gap beyond the last slice
                base = self.positions[-1] + 0.5 * (self.positions[-1] - self.positions[-2])
            else:
                base = self.positions[0] - 0.5 * (self.positions[1] - self.positions[0])
            out.append(base + c * self.col_spacing * self.row_dir + r * self.row_spacing * self.col_dir)
        return np.array(out)


PLANES = {  # right, down: the radiological conventions (README)
    "axial": (np.array([1.0, 0, 0]), np.array([0, 1.0, 0])),
    "coronal": (np.array([1.0, 0, 0]), np.array([0, 0, -1.0])),
    "sagittal": (np.array([0, 1.0, 0]), np.array([0, 0, -1.0])),
}


def plane_points(vol, plane, at):
    """Patient positions of the output pixel centres: the default view (README)."""
    right, down = PLANES[plane]
    c = vol.corners() - at
    r0, r1 = (c @ right).min(), (c @ right).max()
    d0, d1 = (c @ down).min(), (c @ down).max()
    w = vol.finest()
    width = max(1, math.ceil((r1 - r0) / w - 1e-9))
    height = max(1, math.ceil((d1 - d0) / w - 1e-9))
    origin = at + (r0 - (width * w - (r1 - r0)) / 2) * right + (d0 - (height * w - (d1 - d0)) / 2) * down
    y, x = np.mgrid[0:height, 0:width]
    return origin + ((x + 0.5) * w)[..., None] * right + ((y + 0.5) * w)[..., None] * down


def linear_levels(m, c, w):
    """pipeline.md LINEAR with DCMTK's operation order (dimoopxt.h), truncated."""
    w1 = w - 1
    left, right = c - 0.5 - w1 / 2, c - 0.5 + w1 / 2
    offset, gradient = 255 - ((c - 0.5) / w1 + 0.5) * 255, 255 / w1
    y = np.where(m <= left, 0.0, np.where(m > right, 255.0, offset + m * gradient))
    return np.floor(y).astype(np.int64)


def expected(vol, points, order, values=None):
    """Levels at the points (black outside), and which samples lie within 1e-3 of a tie."""
    s, r, c = vol.voxel(points)
    inside = ((s >= -0.5) & (s < vol.n - 0.5) & (r >= -0.5) & (r < vol.rows - 0.5) &
              (c >= -0.5) & (c < vol.cols - 0.5))
    data = vol.modality if values is None else values
    coords = np.array([s.ravel(), r.ravel(), c.ravel()])
    m = ndimage.map_coordinates(data, coords, order=order, mode="nearest").reshape(s.shape)
    levels = np.where(inside, linear_levels(m, *vol.window), 0)
    ties = np.zeros(s.shape, bool)
    for v in (s, r, c):
        ties |= np.abs((v - np.floor(v)) - 0.5) < 1e-3
    return levels, ties & inside


def render(dcmlens, inputs, out, options, cpu):
    cmd = [dcmlens, "render", *[str(i) for i in inputs], "-o", str(out), *options]
    if cpu:
        cmd.append("--cpu")
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        return None, r.stderr.strip()
    return np.asarray(Image.open(out)).astype(np.int64), ""


def compare(label, got, want, ties=None, tolerance=0, fraction=0.0):
    if got is None:
        check(label, False, want)
        return
    if got.shape != want.shape:
        check(label, False, f"size {got.shape[::-1]}, expected {want.shape[::-1]}")
        return
    diff = np.abs(got - want)
    counted = diff if ties is None else np.where(ties, 0, diff)
    differing = int((counted > 0).sum())
    ok = counted.max() <= tolerance and differing <= fraction * diff.size
    detail = f"{got.shape[1]}x{got.shape[0]}, {differing} differing, max {int(counted.max())}"
    if ties is not None:
        detail += f", {int(ties.sum())} samples at ties left out"
    check(label, ok, detail)


def circle_measure(mask, mm):
    """Axis ratio (major/minor) from second moments, and the radius from the area, in mm."""
    y, x = np.nonzero(mask)
    if len(x) < 10:
        return float("inf"), 0.0
    cov = np.cov(np.vstack([x, y]).astype(float))
    ev = np.linalg.eigvalsh(cov)
    return math.sqrt(ev[1] / ev[0]), math.sqrt(len(x) / math.pi) * mm


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dcmlens", required=True)
    p.add_argument("--work")
    args = p.parse_args()
    work = work_folder(args.work, "mpr")
    rng = np.random.default_rng(15)
    modes = [("CPU", True), ("GPU", False)]

    # 1. Even: 0.6 mm pixels, 1.2 mm slices: samples along the slices at a quarter slice from a
    # tie, in-plane on the voxel centres. Random values: any wrong voxel shows.
    even = work / "even"
    stored = rng.integers(-300, 1500, (24, 26, 34))
    write_series(even, stored, [(-10.0, -8.0, 20 - 1.2 * k) for k in range(24)],
                 (1, 0, 0, 0, 1, 0), (0.6, 0.6), window=(300, 1400))
    vol = Volume(sorted(even.glob("*.dcm")))
    at = vol.positions[0] + 11 * vol.row_spacing * vol.col_dir + 13 * vol.col_spacing * vol.row_dir \
        + 9 * vol.step
    for plane in ("coronal", "sagittal"):
        pts = plane_points(vol, plane, at)
        s, r, c = vol.voxel(pts)
        k, rr, cc = (np.floor(v + 0.5).astype(int) for v in (s, r, c))
        inside = (k >= 0) & (k < vol.n) & (rr >= 0) & (rr < vol.rows) & (cc >= 0) & (cc < vol.cols)
        direct = np.zeros(s.shape, np.int64)
        direct[inside] = linear_levels(
            vol.modality[k[inside], rr[inside], cc[inside]], *vol.window)
        far = all(np.abs((v - np.floor(v)) - 0.5).min() > 0.2 for v in (s, r, c))
        check(f"even {plane}: every sample far from a tie", far)
        for name, cpu in modes:
            got, err = render(args.dcmlens, [even], work / f"even_{plane}_{name}.png",
                              ["--plane", plane, "--at", ",".join(map(str, at))], cpu)
            compare(f"even {plane} nearest ({name}) = the stacked stored values indexed directly",
                    got, direct if got is not None else err)

    # 2. Uneven spacing with a gap, and a 15-degree gantry tilt; smooth values so that float
    # positions stay within a level for order 1.
    zz, yy, xx = np.mgrid[0:20, 0:28, 0:30]
    smooth = (500 + 400 * np.sin(xx * 0.37 + zz * 0.5) * np.cos(yy * 0.29 - zz * 0.3)).round()
    zs, z = [], 15.0
    for k in range(20):
        zs.append(z)
        z -= 4.0 if k == 9 else (1.0 if k % 3 else 1.6)
    uneven = work / "uneven"
    write_series(uneven, smooth, [(-5.0, -7.0, v) for v in zs], (1, 0, 0, 0, 1, 0), (0.8, 0.7),
                 window=(500, 900))
    tilt = math.radians(15)
    tilted = work / "tilted"
    write_series(tilted, smooth, [(-5.0, -7.0, 15 - 1.5 * k) for k in range(20)],
                 (1, 0, 0, 0, math.cos(tilt), -math.sin(tilt)), (0.8, 0.7), window=(500, 900))
    for label, folder in (("uneven", uneven), ("tilted", tilted)):
        vol = Volume(sorted(folder.glob("*.dcm")))
        check(f"{label}: the reference sees it {'even' if label == 'tilted' else 'uneven'}",
              vol.even == (label == "tilted"))
        at = vol.positions[0] + 13.3 * vol.row_spacing * vol.col_dir + 6 * vol.step
        for plane in ("coronal", "sagittal"):
            pts = plane_points(vol, plane, at)
            for order, interp in ((0, "nearest"), (1, "linear")):
                want, ties = expected(vol, pts, order)
                for name, cpu in modes:
                    got, err = render(args.dcmlens, [folder], work / f"{label}_{plane}_{order}_{name}.png",
                                      ["--plane", plane, "--at", ",".join(map(str, at)),
                                       "--interp", interp], cpu)
                    if order == 0:
                        compare(f"{label} {plane} vs map_coordinates order 0 ({name})",
                                got, want if got is not None else err, ties=ties)
                    else:
                        compare(f"{label} {plane} vs map_coordinates order 1 ({name})",
                                got, want if got is not None else err, tolerance=1, fraction=0.01)

    # 3. Slabs: an axial slab of 6 mm on slice 12 is slices 10-14 (1.2 mm apart); a coronal slab
    # of 3 mm on row 11 is rows 9-13 (0.6 mm apart).
    vol = Volume(sorted(even.glob("*.dcm")))
    on = vol.positions[12] + 11 * vol.row_spacing * vol.col_dir + 13 * vol.col_spacing * vol.row_dir
    for projection, fn in (("mip", np.max), ("minip", np.min), ("mean", np.mean)):
        axial = fn(vol.modality[10:15], axis=0)
        want = linear_levels(axial, *vol.window)
        coronal_values = np.repeat(fn(vol.modality[:, 9:14, :], axis=1)[:, None, :], vol.rows, 1)
        pts = plane_points(vol, "coronal", on)
        want_c, _ = expected(vol, pts, 0, values=coronal_values)
        for name, cpu in modes:
            got, err = render(args.dcmlens, [even], work / f"slab_{projection}_{name}.png",
                              ["--plane", "axial", "--at", ",".join(map(str, on)), "--slab", "6",
                               "--projection", projection], cpu)
            compare(f"axial {projection} of 6 mm ({name}) = numpy {fn.__name__} of slices 11-15",
                    got, want if got is not None else err)
            got, err = render(args.dcmlens, [even], work / f"slabc_{projection}_{name}.png",
                              ["--plane", "coronal", "--at", ",".join(map(str, on)), "--slab", "3",
                               "--projection", projection], cpu)
            compare(f"coronal {projection} of 3 mm ({name}) = numpy {fn.__name__} of 5 rows",
                    got, want_c if got is not None else err)

    # 4. A sphere of radius 10 mm in a series tilted 25 degrees (0.5 mm voxels): each voxel is
    # inside or outside the sphere at its own (sheared) patient position.
    tilt = math.radians(25)
    iop = (1, 0, 0, 0, math.cos(tilt), -math.sin(tilt))
    row_dir, col_dir = np.array(iop[:3]), np.array(iop[3:])
    n, size, px = 88, 96, 0.5
    centre = np.array([0.0, 2.0, -n * px / 2])
    positions = [np.array([-size * px / 2, -size * px / 2, -px * k]) for k in range(n)]
    r_, c_ = np.mgrid[0:size, 0:size]
    sphere = np.zeros((n, size, size))
    for k in range(n):
        pts = positions[k] + (c_ * px)[..., None] * row_dir + (r_ * px)[..., None] * col_dir
        sphere[k] = np.where(np.linalg.norm(pts - centre, axis=-1) < 10, 1000, 0)
    phantom = work / "sphere"
    write_series(phantom, sphere, positions, iop, (px, px), intercept=0, window=(500, 2))
    vol = Volume(sorted(phantom.glob("*.dcm")))
    want, ties = expected(vol, plane_points(vol, "coronal", centre), 0)
    for name, cpu in modes:
        got, err = render(args.dcmlens, [phantom], work / f"sphere_{name}.png",
                          ["--plane", "coronal", "--at", ",".join(map(str, centre))], cpu)
        compare(f"tilted sphere coronal vs map_coordinates order 0 ({name})", got,
                want if got is not None else err, ties=ties)
        if got is None:
            continue
        ratio, radius = circle_measure(got > 127, vol.finest())
        check(f"tilted sphere on the coronal plane is a circle ({name})",
              ratio < 1.04 and abs(radius - 10) < 0.3, f"axis ratio {ratio:.3f}, radius {radius:.2f} mm")
    # The same slices stacked along their normal 0.5 mm apart (the tilt ignored, as viewers that
    # distort such series do): the sphere is sheared into an ellipse, which the check refuses.
    naive = Volume.__new__(Volume)
    naive.__dict__.update(vol.__dict__)
    naive.step = -np.linalg.norm(vol.step) * vol.normal
    naive.positions = vol.positions[0] + np.arange(vol.n)[:, None] * naive.step
    naive.along = naive.positions @ naive.normal
    naive.slice_spacing = float(np.median(-np.diff(naive.along)))
    naive.M = np.column_stack([naive.col_spacing * naive.row_dir, naive.row_spacing * naive.col_dir,
                               naive.step])
    ratio, _ = circle_measure(expected(naive, plane_points(naive, "coronal", centre), 0)[0] > 127,
                              naive.finest())
    check("ignoring the tilt gives an ellipse (the check can fail)", ratio > 1.1, f"axis ratio {ratio:.3f}")

    # 5. The even volume as one enhanced multi-frame object (frames in shuffled order).
    vol = Volume(sorted(even.glob("*.dcm")))
    order = np.random.default_rng(3).permutation(vol.n)
    enhanced = work / "enhanced.dcm"
    write_enhanced(enhanced, vol.stored[order], vol.positions[order], (1, 0, 0, 0, 1, 0), (0.6, 0.6),
                   -1024, (300, 1400))
    ref = render(args.dcmlens, [even], work / "files_coronal.png", ["--plane", "coronal"], True)[0]
    for name, cpu in modes:
        got, err = render(args.dcmlens, [enhanced], work / f"enhanced_{name}.png", ["--plane", "coronal"], cpu)
        compare(f"enhanced multi-frame coronal ({name}) = the same slices as files", got,
                ref if got is not None else err)

    # 6. The probe: the voxel of the sagittal plane's pixel, and a MIP's source slice.
    vol = Volume(sorted(even.glob("*.dcm")))
    at = vol.positions[0] + 11 * vol.row_spacing * vol.col_dir + 13 * vol.col_spacing * vol.row_dir \
        + 9 * vol.step
    pts = plane_points(vol, "sagittal", at)
    x, y = 17, 30
    s, r, c = (int(np.floor(v + 0.5)) for v in vol.voxel(pts[y, x]))
    out = subprocess.run([args.dcmlens, "probe", str(even), "--plane", "sagittal", "--at",
                          ",".join(map(str, at)), "--pixel", f"{x},{y}", "--json"],
                         capture_output=True, text=True)
    try:
        j = json.loads(out.stdout)
        ok = (j["voxel"]["column"], j["voxel"]["row"], j["voxel"]["slice"]) == (c, r, s + 1) and \
            Path(j["voxel"]["file"]).name == Path(vol.files[s][0]).name and \
            j["stored"] == int(vol.stored[s, r, c]) and np.allclose(j["position"], pts[y, x])
        check("probe --plane names the voxel, its file and stored value", ok,
              f"got {j['voxel']['column']},{j['voxel']['row']},{j['voxel']['slice']}, want {c},{r},{s + 1}")
    except (ValueError, KeyError) as e:
        check("probe --plane names the voxel, its file and stored value", False, f"{e} {out.stderr}")
    on = vol.positions[12] + 7 * vol.row_spacing * vol.col_dir + 5 * vol.col_spacing * vol.row_dir
    out = subprocess.run([args.dcmlens, "probe", str(even), "--plane", "axial", "--at",
                          ",".join(map(str, on)), "--slab", "6", "--projection", "mip",
                          "--pixel", "5,7", "--json"], capture_output=True, text=True)
    column = vol.modality[10:15, 7, 5]
    try:
        j = json.loads(out.stdout)
        check("probe of a MIP says which slice gave the maximum",
              j["source_slice"] == 11 + int(np.argmax(column)) and j["value"] == column.max(),
              f"slice {j['source_slice']}, value {j['value']}; want {11 + int(np.argmax(column))}, {column.max()}")
    except (ValueError, KeyError) as e:
        check("probe of a MIP says which slice gave the maximum", False, f"{e} {out.stderr}")

    return finish(RESULTS, work, args.work is not None)


if __name__ == "__main__":
    sys.exit(main())
