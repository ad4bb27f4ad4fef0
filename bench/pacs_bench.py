#!/usr/bin/python3
"""PACS benchmarks against a loopback Orthanc (docs/benchmarks.md). Run as root:

  bench/pacs_bench.py --dcmlens build/dcmlens [--runs 5] [--slices 300] [--size 512]

In a private network namespace (as tests/pacs/pacs.py), Orthanc stores a CT series made by
bench/make_series.py; then, interleaved, run after run:
  - dcmlens bench over WADO-RS (empty cache): first image and all resident, from the start of
    the retrieve; against curl fetching the same series by WADO-RS into /dev/null;
  - dcmlens bench over C-GET (empty cache): all resident; against DCMTK's getscu writing the
    series to a folder, then dcmlens bench opening that folder;
  - dcmlens bench of the series again (cache full: no request) against opening the same files
    from a folder.
Prints medians and ratios as a Markdown table.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "pacs"))
import pacs  # noqa: E402  (the Orthanc helper and upload of the tests)


def timed(cmd, env=None):
    start = time.perf_counter()
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, env=env)
    if r.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed: {r.stderr[-800:]}")
    return (time.perf_counter() - start) * 1000, r.stdout


def bench(dcmlens, target, env, *extra):
    # A small viewport: the W/L and scroll phases after "resident" are not what is measured here.
    _, out = timed([dcmlens, "bench", target, "--json", "--viewport", "256x256", *extra], env)
    return json.loads(out)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dcmlens", required=True)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--slices", type=int, default=300)
    p.add_argument("--size", type=int, default=512)
    a = p.parse_args()
    if os.environ.get("DCMLENS_PACS_NAMESPACE") != "1":
        env = dict(os.environ, DCMLENS_PACS_NAMESPACE="1")
        return subprocess.call(["unshare", "--net", sys.executable, *sys.argv], env=env)
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    os.environ["TCP_NODELAY"] = "1"
    work = Path(tempfile.mkdtemp(prefix="dcmlens-pacs-bench-"))
    orthanc = pacs.Orthanc(work)
    try:
        orthanc.start()
        subprocess.run([sys.executable, str(HERE / "make_series.py"), str(work / "gen"),
                        "--slices", str(a.slices), "--size", str(a.size)], check=True,
                       capture_output=True)
        files = {str(i): f for i, f in enumerate(sorted((work / "gen" / "ct").iterdir()))}
        pacs.upload(files)
        import pydicom
        first = pydicom.dcmread(next(iter(files.values())), stop_before_pixels=True)
        study, series = first.StudyInstanceUID, first.SeriesInstanceUID
        web = f"{pacs.WEB_AUTH}/studies/{study}/series/{series}"
        dimse = f"{pacs.DIMSE}/studies/{study}/series/{series}"
        results = {k: [] for k in ["web_first", "web_resident", "curl", "get_resident",
                                   "getscu", "getscu_open", "cache_resident", "folder_resident",
                                   "web_nocache_resident", "inst_first", "inst_resident",
                                   "get_first"]}
        for run in range(a.runs):
            cache = work / f"cache-{run}"
            env = dict(os.environ, DCMLENS_CACHE_DIR=str(cache))
            ms, _ = timed(["curl", "-s", "-o", "/dev/null", "-u", f"{pacs.USER}:{pacs.PASSWORD}",
                           "-H", 'Accept: multipart/related; type="application/dicom"; '
                           "transfer-syntax=*", f"{pacs.WEB}/studies/{study}/series/{series}"])
            results["curl"].append(ms)
            b = bench(a.dcmlens, web, env)
            results["web_first"].append(b["first_frame_ms"])
            results["web_resident"].append(b["resident_ms"])
            b = bench(a.dcmlens, web, dict(os.environ, DCMLENS_CACHE_DIR=""))
            results["web_nocache_resident"].append(b["resident_ms"])
            b = bench(a.dcmlens, web, dict(os.environ, DCMLENS_CACHE_DIR=""), "--wado",
                      "instances")
            results["inst_first"].append(b["first_frame_ms"])
            results["inst_resident"].append(b["resident_ms"])
            # The cache is full now: the second open.
            b = bench(a.dcmlens, web, env)
            results["cache_resident"].append(b["resident_ms"])
            b = bench(a.dcmlens, str(work / "gen" / "ct"), env)
            results["folder_resident"].append(b["resident_ms"])
            # C-GET with an empty cache, against getscu into a folder and then opening it.
            shutil.rmtree(cache)
            b = bench(a.dcmlens, dimse, env)
            results["get_resident"].append(b["resident_ms"])
            results["get_first"].append(b["first_frame_ms"])
            folder = work / f"getscu-{run}"
            folder.mkdir()
            ms, _ = timed(["getscu", "-aet", "DCMLENS", "-aec", "ORTHANC", "-od", folder,
                           "-k", "QueryRetrieveLevel=SERIES", "-k", f"StudyInstanceUID={study}",
                           "-k", f"SeriesInstanceUID={series}", "127.0.0.1", "4242"])
            results["getscu"].append(ms)
            b = bench(a.dcmlens, folder, env)
            results["getscu_open"].append(ms + b["resident_ms"])
            shutil.rmtree(folder)
            shutil.rmtree(cache, ignore_errors=True)
            print(f"run {run + 1}: " + ", ".join(f"{k} {v[-1]:.0f}" for k, v in results.items()),
                  flush=True)
        m = {k: statistics.median(v) for k, v in results.items()}
        print()
        print(f"{a.slices} x {a.size}^2 CT, loopback Orthanc, median of {a.runs} interleaved runs")
        print()
        print("| measure | dcmlens | peer | ratio |")
        print("|---|---|---|---|")
        print(f"| WADO-RS all resident (empty cache) vs curl of the series to /dev/null | "
              f"{m['web_resident']:.0f} ms | {m['curl']:.0f} ms | "
              f"{m['web_resident'] / m['curl']:.2f}x |")
        print(f"| WADO-RS all resident, cache off | {m['web_nocache_resident']:.0f} ms | "
              f"{m['curl']:.0f} ms | {m['web_nocache_resident'] / m['curl']:.2f}x |")
        print(f"| WADO-RS first image after the request | {m['web_first']:.0f} ms | | |")
        print(f"| WADO-RS, 8 parallel instance requests, all resident (cache off) | "
              f"{m['inst_resident']:.0f} ms | {m['curl']:.0f} ms | "
              f"{m['inst_resident'] / m['curl']:.2f}x |")
        print(f"| WADO-RS, 8 parallel instance requests, first image | {m['inst_first']:.0f} ms "
              "| | |")
        print(f"| C-GET first image | {m['get_first']:.0f} ms | | |")
        print(f"| C-GET all resident vs getscu to disk + open | {m['get_resident']:.0f} ms | "
              f"{m['getscu_open']:.0f} ms (getscu {m['getscu']:.0f}) | "
              f"{m['get_resident'] / m['getscu_open']:.2f}x |")
        print(f"| second open from the cache vs the same files from a folder | "
              f"{m['cache_resident']:.0f} ms | {m['folder_resident']:.0f} ms | "
              f"{m['cache_resident'] / m['folder_resident']:.2f}x |")
    finally:
        orthanc.stop()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
