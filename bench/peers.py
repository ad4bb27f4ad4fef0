#!/usr/bin/python3
"""dcmlens against its peers on the same files, in the same run (issue: stacks at full speed).

usage: peers.py --build BUILD_DIR [--data DIR]

Series: bench/make_series.py's 300 x 512x512 signed CT (shuffled names) and one 4096x5120 image.
- folder -> all slices resident: `dcmlens bench` vs `cat` of the files (page-cache floor), DCMTK
  DicomImage per file (bench/dcmtk_peer.cpp) and pydicom (dcmread + pixel_array)
- first image shown, window/level and slice steps (frame time, bytes uploaded), peak RSS
- 4096x5120 window/level step: dcmlens vs DCMTK setWindow + getOutputData(8)
Prints Markdown for docs/benchmarks.md.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def median_ms(fn, runs=5):
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--build", required=True)
    p.add_argument("--data", default="/tmp/dcmlens-bench")
    a = p.parse_args()
    dcmlens = str(Path(a.build) / "dcmlens")
    peer = str(Path(a.build) / "dcmtk_peer")
    data = Path(a.data)
    if not (data / "ct").is_dir() or not (data / "large.dcm").exists():
        subprocess.run([sys.executable, str(HERE / "make_series.py"), str(data), "--large"], check=True)
    files = sorted(str(f) for f in (data / "ct").glob("*.dcm"))
    for f in files:
        Path(f).read_bytes()  # page cache warm for every contender

    cat_ms = median_ms(lambda: subprocess.run(["cat", *files], stdout=subprocess.DEVNULL, check=True))
    runs = [json.loads(subprocess.run([dcmlens, "bench", str(data / "ct"), "--json"], check=True,
                                      capture_output=True, text=True).stdout) for _ in range(3)]
    lens = sorted(runs, key=lambda r: r["resident_ms"])[1]  # the median run
    large = json.loads(subprocess.run([dcmlens, "bench", str(data / "large.dcm"), "--json"], check=True,
                                      capture_output=True, text=True).stdout)
    dcmtk_load = statistics.median(
        json.loads(subprocess.run([peer, "load", *files], check=True, capture_output=True, text=True).stdout)["ms"]
        for _ in range(3))
    pydicom_code = ("import sys, time, pydicom\nt = time.perf_counter()\n"
                    "for f in sys.argv[1:]:\n    pydicom.dcmread(f).pixel_array\n"
                    "print((time.perf_counter() - t) * 1000)")
    pydicom_ms = statistics.median(float(subprocess.run([sys.executable, "-c", pydicom_code, *files],
                                                        check=True, capture_output=True, text=True).stdout)
                                   for _ in range(3))
    dcmtk_window = json.loads(subprocess.run([peer, "window", str(data / "large.dcm"), "50"], check=True,
                                             capture_output=True, text=True).stdout)

    mb = lens["pixel_bytes"] / 1e6
    print(f"machine: {platform.node()}, {os.cpu_count()} cores, {platform.platform()}; {lens['renderer']}")
    print(f"date: {time.strftime('%Y-%m-%d %H:%M')}; viewport {lens['viewport'][0]}x{lens['viewport'][1]}\n")
    print(f"**{len(files)} x 512x512 CT ({mb:.0f} MB of pixels), folder -> all slices resident**\n")
    print("| contender | time | ratio to cat |")
    print("|---|---|---|")
    print(f"| cat of the files (page-cache floor) | {cat_ms:.0f} ms | 1.0x |")
    print(f"| dcmlens (`dcmlens bench`: headers, sort, decode on all cores, upload) | {lens['resident_ms']:.0f} ms "
          f"| {lens['resident_ms'] / cat_ms:.1f}x |")
    print(f"| DCMTK DicomImage per file | {dcmtk_load:.0f} ms | {dcmtk_load / cat_ms:.1f}x |")
    print(f"| pydicom dcmread + pixel_array | {pydicom_ms:.0f} ms | {pydicom_ms / cat_ms:.1f}x |")
    print()
    print("| dcmlens measure | 300 x 512x512 | 4096x5120 |")
    print("|---|---|---|")
    for key, label in [("first_frame_ms", "first image shown after opening (ms)"),
                       ("resident_ms", "all resident (ms)"),
                       ("wl_frame_ms_median", "window/level step, median (ms)"),
                       ("wl_frame_ms_p99", "window/level step, p99 (ms)"),
                       ("wl_upload_bytes", "bytes uploaded during 200 W/L steps"),
                       ("scroll_frame_ms_median", "slice step, median (ms)"),
                       ("scroll_frame_ms_p99", "slice step, p99 (ms)"),
                       ("scroll_upload_bytes", "bytes uploaded while scrolling"),
                       ("peak_rss_bytes", "peak RSS (MB)")]:
        def fmt(v):
            return f"{v / 1e6:.0f}" if key == "peak_rss_bytes" else (f"{v:.2f}" if isinstance(v, float) else str(v))
        print(f"| {label} | {fmt(lens[key])} | {fmt(large[key])} |")
    budget = 1.3 * lens["pixel_bytes"] + 150e6
    print(f"\npeak RSS {lens['peak_rss_bytes'] / 1e6:.0f} MB vs the budget 1.3 x pixel bytes + 150 MB = "
          f"{budget / 1e6:.0f} MB")
    print(f"\n4096x5120 window/level step: dcmlens {large['wl_frame_ms_median']:.2f} ms (GPU, {lens['viewport'][0]}x"
          f"{lens['viewport'][1]} viewport) vs DCMTK setWindow + getOutputData(8) {dcmtk_window['median_ms']:.2f} ms "
          f"(CPU, whole image): {large['wl_frame_ms_median'] / dcmtk_window['median_ms']:.2f}x")


if __name__ == "__main__":
    main()
