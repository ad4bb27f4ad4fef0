#!/usr/bin/python3
"""`dcmlens render` against DCMTK's dcm2pnm on the same files, in the same run.

usage: render_vs_dcmtk.py --dcmlens BIN [--data DIR] [--runs 30]

1. One file (pydicom's CT_small.dcm), whole process from start to image written: the median of
   --runs runs of dcm2pnm, of `dcmlens render` (GPU through EGL) and of `dcmlens render --cpu`.
2. A batch: the CT series of make_series.py (made in --data if missing): dcm2pnm run once per file
   against one `dcmlens render FOLDER -o OUTDIR` (one GL context for the batch).
Prints a Markdown table with the ratios, and dcmlens' own --timings breakdown.
"""
import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CT_SMALL = "/usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm"
HERE = Path(__file__).resolve().parent


def timed(cmd, runs, warmup=3):
    for _ in range(warmup):
        subprocess.run(cmd, check=True, capture_output=True)
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dcmlens", required=True)
    p.add_argument("--data", default="/tmp/dcmlens-bench")
    p.add_argument("--runs", type=int, default=30)
    a = p.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dcmlens-render-bench-"))
    series = Path(a.data) / "ct"
    if not series.is_dir():
        subprocess.run([sys.executable, str(HERE / "make_series.py"), a.data], check=True)
    files = sorted(series.glob("*.dcm"))
    for f in files:  # page cache warm for both sides
        f.read_bytes()

    one_dcmtk = timed(["dcm2pnm", CT_SMALL, str(work / "a.pgm")], a.runs)
    one_gpu = timed([a.dcmlens, "render", CT_SMALL, "-o", str(work / "b.png")], a.runs)
    one_cpu = timed([a.dcmlens, "render", CT_SMALL, "-o", str(work / "c.png"), "--cpu"], a.runs)
    breakdown = subprocess.run([a.dcmlens, "render", CT_SMALL, "-o", str(work / "b.png"), "--timings"],
                               capture_output=True, text=True).stderr.strip()

    t = time.perf_counter()
    for f in files:
        subprocess.run(["dcm2pnm", str(f), str(work / (f.name + ".pgm"))], check=True)
    batch_dcmtk = (time.perf_counter() - t) * 1000
    out = work / "batch"
    t = time.perf_counter()
    r = subprocess.run([a.dcmlens, "render", str(series), "-o", str(out), "--timings"],
                       capture_output=True, text=True, check=True)
    batch_gpu = (time.perf_counter() - t) * 1000
    batch_breakdown = r.stderr.strip()

    print(f"machine: {platform.node()}, {os.cpu_count()} cores, {platform.platform()}")
    print(f"date: {time.strftime('%Y-%m-%d %H:%M')}\n")
    print("| case | dcm2pnm | dcmlens render (GPU) | ratio | dcmlens render --cpu | ratio |")
    print("|---|---|---|---|---|---|")
    print(f"| CT_small.dcm, process start to file written (median of {a.runs}) | {one_dcmtk:.1f} ms | "
          f"{one_gpu:.1f} ms | {one_gpu / one_dcmtk:.2f}x | {one_cpu:.1f} ms | {one_cpu / one_dcmtk:.2f}x |")
    print(f"| {len(files)} files of 512x512 CT, dcm2pnm per file vs one dcmlens batch | "
          f"{batch_dcmtk:.0f} ms | {batch_gpu:.0f} ms | {batch_gpu / batch_dcmtk:.2f}x | | |")
    print(f"\nsingle file, dcmlens {breakdown}")
    print(f"batch, dcmlens {batch_breakdown}")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
