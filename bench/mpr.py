#!/usr/bin/python3
"""MPR and slab projections: dcmlens against the 2D view and against VTK, in the same run.

usage: mpr.py --build BUILD_DIR [--data DIR] [--runs 3]

Series: bench/make_series.py's 300 x 512x512 signed CT. Viewport 1024x1024.
- `dcmlens bench --plane P` for axial, coronal, sagittal (nearest and trilinear), an oblique
  plane, a 20 mm MIP and a whole-volume MIP: plane steps (moved along the normal) interleaved with
  2D slice steps in the same process, so each ratio is measured on the same machine state; bytes
  uploaded; peak RSS before and after the MPR steps; the first MPR frame after opening against the
  first 2D frame (a run of `dcmlens bench` without --plane).
- The oblique reformat + window against VTK 9 (Debian's python3-vtk9, what 3D Slicer uses):
  vtkImageReslice (the same plane, spacing and 1024x1024 output) + vtkImageMapToWindowLevelColors,
  each frame a plane moved along its normal, nearest and linear.
Prints Markdown for docs/benchmarks.md.
"""
import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
AXES = (1.0, 0.35, 0.2, 0.1, 0.3, -1.0)  # an oblique plane: the screen's right and down


def bench(dcmlens, folder, extra):
    out = subprocess.run([dcmlens, "bench", str(folder), "--json", *extra], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def orthonormal(right, down):
    r = np.array(right, float)
    r /= np.linalg.norm(r)
    d = np.array(down, float)
    d /= np.linalg.norm(d)
    d -= (d @ r) * r
    d /= np.linalg.norm(d)
    return r, d


def vtk_frames(folder, mm_per_pixel, linear, frames=30):
    """Median ms of vtkImageReslice + vtkImageMapToWindowLevelColors for one 1024x1024 frame."""
    import pydicom
    import vtk
    from vtk.util import numpy_support

    slices = []
    for f in sorted(folder.glob("*.dcm")):
        ds = pydicom.dcmread(f)
        slices.append((float(ds.ImagePositionPatient[2]), ds.pixel_array, ds))
    slices.sort(key=lambda s: s[0])
    ds0 = slices[0][2]
    volume = np.ascontiguousarray(np.stack([s[1] for s in slices]).astype(np.int16))
    image = vtk.vtkImageData()
    image.SetDimensions(volume.shape[2], volume.shape[1], volume.shape[0])
    ps = [float(v) for v in ds0.PixelSpacing]
    image.SetSpacing(ps[1], ps[0], slices[1][0] - slices[0][0])
    image.SetOrigin(float(ds0.ImagePositionPatient[0]), float(ds0.ImagePositionPatient[1]), slices[0][0])
    image.GetPointData().SetScalars(numpy_support.numpy_to_vtk(volume.ravel(), deep=True,
                                                               array_type=vtk.VTK_SHORT))
    centre = np.array(image.GetCenter())
    right, down = orthonormal(AXES[:3], AXES[3:])
    normal = np.cross(right, down)
    reslice = vtk.vtkImageReslice()
    reslice.SetInputData(image)
    reslice.SetOutputDimensionality(2)
    reslice.SetInterpolationModeToLinear() if linear else reslice.SetInterpolationModeToNearestNeighbor()
    reslice.SetOutputSpacing(mm_per_pixel, mm_per_pixel, 1)
    reslice.SetOutputExtent(0, 1023, 0, 1023, 0, 0)
    reslice.SetOutputOrigin(-512 * mm_per_pixel, -512 * mm_per_pixel, 0)
    reslice.SetBackgroundLevel(-2048)
    colors = vtk.vtkImageMapToWindowLevelColors()
    colors.SetInputConnection(reslice.GetOutputPort())
    colors.SetOutputFormatToLuminance()
    colors.SetWindow(400)
    colors.SetLevel(40 + 1024)  # stored values: HU + 1024
    samples = []
    for i in range(frames + 3):
        origin = centre + ((i % 40) - 20) * normal
        reslice.SetResliceAxesDirectionCosines(*right, *down, *normal)
        reslice.SetResliceAxesOrigin(*origin)
        t = time.perf_counter()
        colors.Update()
        if i >= 3:
            samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples)


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "--vtk":
        print(vtk_frames(Path(sys.argv[2]), float(sys.argv[3]), sys.argv[4] == "1"))
        return
    p = argparse.ArgumentParser()
    p.add_argument("--build", required=True)
    p.add_argument("--data", default="/tmp/dcmlens-bench")
    p.add_argument("--runs", type=int, default=3)
    a = p.parse_args()
    dcmlens = str(Path(a.build) / "dcmlens")
    data = Path(a.data)
    if not (data / "ct").is_dir():
        subprocess.run([sys.executable, str(HERE / "make_series.py"), str(data)], check=True)
    folder = data / "ct"
    for f in folder.glob("*.dcm"):
        f.read_bytes()  # page cache warm
    axes = ",".join(str(v) for v in AXES)
    cases = [
        ("axial, nearest", ["--plane", "axial"]),
        ("coronal, nearest", ["--plane", "coronal"]),
        ("sagittal, nearest", ["--plane", "sagittal"]),
        ("axial, trilinear", ["--plane", "axial", "--interp", "linear"]),
        ("coronal, trilinear", ["--plane", "coronal", "--interp", "linear"]),
        ("sagittal, trilinear", ["--plane", "sagittal", "--interp", "linear"]),
        ("oblique, nearest", ["--plane", "oblique", "--axes", axes]),
        ("oblique, trilinear", ["--plane", "oblique", "--axes", axes, "--interp", "linear"]),
        ("coronal MIP 20 mm, nearest", ["--plane", "coronal", "--slab", "20", "--projection", "mip"]),
        ("axial MIP 20 mm, nearest", ["--plane", "axial", "--slab", "20", "--projection", "mip"]),
        ("coronal MIP whole volume, nearest", ["--plane", "coronal", "--slab", "all", "--projection", "mip"]),
        ("oblique MIP whole volume, trilinear", ["--plane", "oblique", "--axes", axes, "--slab", "all",
                                                 "--projection", "mip", "--interp", "linear"]),
    ]
    results = {name: [] for name, _ in cases}
    plain = []
    vtk_near, vtk_lin = [], []
    for round_ in range(a.runs):  # interleaved: every case once per round
        plain.append(bench(dcmlens, folder, []))
        for name, extra in cases:
            if "whole" in name and round_ > 0:
                continue  # seconds a frame: measured in the first round only
            results[name].append(bench(dcmlens, folder, extra))
        mm = results["oblique, nearest"][-1]["plane_mm_per_pixel"]
        # VTK in a process of its own: a child forked from a parent holding the volume would
        # inherit its peak RSS, and the next dcmlens' ru_maxrss would report it.
        for linear, out in ((False, vtk_near), (True, vtk_lin)):
            out.append(float(subprocess.run([sys.executable, __file__, "--vtk", str(folder), str(mm),
                                             "1" if linear else "0"], check=True,
                                            capture_output=True, text=True).stdout))

    def med(name, key):
        return statistics.median(r[key] for r in results[name])

    first = results["axial, nearest"][0]
    print(f"machine: {platform.node()}, {os.cpu_count()} cores, {platform.platform()}; {first['renderer']}")
    print(f"date: {time.strftime('%Y-%m-%d %H:%M')}; viewport {first['viewport'][0]}x{first['viewport'][1]}; "
          f"{first['images']} x 512x512 CT; medians of {a.runs} interleaved runs\n")
    print("| plane | samples | plane step (ms) | 2D step between (ms) | plane / 2D | bytes uploaded |")
    print("|---|---|---|---|---|---|")
    for name, _ in cases:
        rs = results[name]
        ratio = statistics.median(r["plane_to_2d_ratio"] for r in rs)
        print(f"| {name} | {rs[0]['slab_samples']} | {med(name, 'plane_frame_ms_median'):.2f} | "
              f"{med(name, 'interleaved_2d_frame_ms_median'):.2f} | {ratio:.2f}x | "
              f"{max(r['plane_upload_bytes'] for r in rs)} |")
    print()
    on = statistics.median(r["plane_frame_ms_median"] for r in results["oblique, nearest"])
    ol = statistics.median(r["plane_frame_ms_median"] for r in results["oblique, trilinear"])
    vn, vl = statistics.median(vtk_near), statistics.median(vtk_lin)
    print("| oblique reformat + window, 1024x1024 | dcmlens | VTK reslice + window/level | ratio |")
    print("|---|---|---|---|")
    print(f"| nearest | {on:.2f} ms | {vn:.2f} ms | {on / vn:.2f}x |")
    print(f"| trilinear | {ol:.2f} ms | {vl:.2f} ms | {ol / vl:.2f}x |")
    print()
    rss0 = statistics.median(r["peak_rss_before_plane_bytes"] for r in results["coronal, nearest"]) / 1e6
    rss1 = statistics.median(r["peak_rss_bytes"] for r in results["coronal, nearest"]) / 1e6
    pixels = first["pixel_bytes"] / 1e6
    print(f"peak RSS before the MPR steps {rss0:.0f} MB, after {rss1:.0f} MB (budget 1.3 x {pixels:.0f} MB "
          f"+ 150 MB = {1.3 * pixels + 150:.0f} MB)\n")
    f2d = statistics.median(r["first_frame_ms"] for r in plain)
    res2d = statistics.median(r["resident_ms"] for r in plain)
    print("| opening the folder | first frame | all slices resident, drawn |")
    print("|---|---|---|")
    print(f"| 2D (axial image) | {f2d:.0f} ms | {res2d:.0f} ms |")
    for name in ("coronal, nearest", "sagittal, nearest"):
        print(f"| MPR {name.split(',')[0]} | {med(name, 'first_plane_ms'):.0f} ms (slices still loading) | "
              f"{med(name, 'complete_plane_ms'):.0f} ms |")


if __name__ == "__main__":
    main()
