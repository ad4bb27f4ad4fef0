#!/usr/bin/python3
"""End-to-end test of MPR in the viewer, under Xvfb, driven by xdotool.

usage: xvfb-run -a -s "-screen 0 1280x800x24" e2e_mpr.py --dcmlens BIN [--work DIR]

A 120-slice series (bench/make_series.py); Ctrl+M opens the MPR layout: axial, coronal and
sagittal planes through the volume's centre and the slices. A click sets the crosshair in all
three planes (the state log's points equal the clicked patient point, computed here from the
logged view); each plane on the screen equals `dcmlens render --plane ... --at ...` of the same
view; the probe under the cursor names the voxel `dcmlens probe --plane` names; the wheel moves
a plane along its normal; a slab MIP draws; Ctrl+M goes back. Every check runs.
"""
import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

from harness import HERE, Viewer, check, hold, run_tests, screen, xdo


def patient_at(plane, sx, sy):
    """PlaneView::patientAt, from the logged plane: origin + sx * mm * right + sy * mm * down."""
    o, r, d, mm = (np.array(plane[k], float) for k in ("origin", "right", "down", "mm_per_pixel"))
    return o + sx * mm * r + sy * mm * d


def test_mpr(args):
    work = Path(args.work)
    out = work / "series"
    subprocess.run([sys.executable, str(HERE.parent.parent / "bench" / "make_series.py"), str(out),
                    "--slices", "120", "--size", "64"], check=True, capture_output=True)
    folder = out / "ct"
    v = Viewer(args, folder)
    try:
        v.wait(lambda s: s["all_resident"], "the series")
        xdo("mousemove", *v.at(0.5, 0.5))
        hold("ctrl", "m")
        s = v.wait(lambda s: s["layout"] == "2x2" and all("plane" in s["viewports"][k] for k in range(3)),
                   "the MPR layout")
        kinds = [s["viewports"][k]["plane"]["kind"] for k in range(3)]
        check("Ctrl+M: axial, coronal and sagittal planes and the slices in a 2x2 layout",
              kinds == ["axial", "coronal", "sagittal"] and "plane" not in s["viewports"][3], f"{kinds}")
        check("window/level is linked across the MPR viewports", s["links"]["window"])
        s = v.settle()

        uploaded = s["uploaded_bytes"]
        # A click in the coronal viewport sets the crosshair in all three.
        vp = s["viewports"][1]
        x, y, w, h = map(int, vp["viewport"])
        sx, sy = int(w * 0.4), int(h * 0.45)
        want = patient_at(vp["plane"], sx, sy)
        xdo("mousemove", x + sx, y + sy)
        time.sleep(0.1)
        xdo("click", 1)
        s = v.wait(lambda s: s.get("crosshair") and np.allclose(s["crosshair"], want, atol=1e-6),
                   "the crosshair at the clicked point")
        points = [np.array(s["viewports"][k]["plane"]["point"]) for k in range(3)]
        check("a click sets the crosshair in all three planes at the clicked patient point",
              all(np.allclose(p, want, atol=1e-6) for p in points), f"{want} vs {points}")

        z = json.loads(subprocess.run([args.dcmlens, "info", s["viewports"][3]["file"], "--json"],
                                      check=True, capture_output=True, text=True).stdout)["geometry"]["image_position"][2]
        check("the slices follow the crosshair: the fourth viewport shows the slice through it",
              abs(z - want[2]) <= 1.25 / 2 + 1e-6, f"slice at z {z}, crosshair z {want[2]:.3f}")

        # Each plane on the screen equals `dcmlens render --plane` of the same view.
        xdo("key", "a")  # annotations off: the planes alone
        s = v.wait(lambda s: not s["annotations"], "annotations off")
        s = v.settle()
        img = screen()
        at = ",".join(repr(c) for c in s["crosshair"])
        for k in range(3):
            vp = s["viewports"][k]
            x, y, w, h = map(int, vp["viewport"])
            ref_path = Path(args.work) / f"plane{k}.png"
            subprocess.run([args.dcmlens, "render", str(folder), "-o", str(ref_path), "--plane",
                            vp["plane"]["kind"], f"--at={at}", "--size", f"{w}x{h}",
                            f"--window={vp['center']!r},{vp['width']!r}"], check=True, capture_output=True)
            ref = np.asarray(Image.open(ref_path).convert("RGB")).astype(np.int16)
            inner = (slice(int(h * 0.1), int(h * 0.9)), slice(int(w * 0.1), int(w * 0.9)))
            shown = img[y:y + h, x:x + w][inner]
            diff = np.abs(shown - ref[inner]).max() if shown.shape == ref[inner].shape else 999
            check(f"the {vp['plane']['kind']} plane on screen equals `dcmlens render --plane` of its view",
                  diff == 0, f"max diff {diff}")

        # The probe on the sagittal plane names the voxel `dcmlens probe --plane` names.
        vp = s["viewports"][2]
        x, y, w, h = map(int, vp["viewport"])
        px, py = int(w * 0.55), int(h * 0.5)
        xdo("mousemove", x + px, y + py)
        s = v.wait(lambda s: s.get("probe") and s["probe"].get("plane") and s["probe"]["viewport"] == 2
                   and (s["probe"]["x"], s["probe"]["y"]) == (px, py), "the probe on the sagittal plane")
        cli = json.loads(subprocess.run(
            [args.dcmlens, "probe", str(folder), "--plane", "sagittal", f"--at={at}", "--size", f"{w}x{h}",
             "--pixel", f"{px},{py}", f"--window={vp['center']!r},{vp['width']!r}", "--json"],
            check=True, capture_output=True, text=True).stdout)
        got = s["probe"]["plane"]
        check("the probe on a plane shows the voxel and stored value `dcmlens probe --plane` gives",
              (got["column"], got["row"], got["slice"] + 1) ==
              (cli["voxel"]["column"], cli["voxel"]["row"], cli["voxel"]["slice"]) and
              s["probe"]["stored"] == cli["stored"] and s["probe"]["output"] == cli["output"],
              f"viewer {got} stored {s['probe']['stored']}, CLI {cli['voxel']} stored {cli['stored']}")

        # The wheel moves the sagittal plane along its normal (-x): the crosshair follows.
        x0 = s["crosshair"][0]
        xdo("click", 5)
        s = v.wait(lambda s: s["crosshair"][0] != x0, "the sagittal plane moved")
        check("the wheel moves a plane along its normal, the crosshair with it",
              abs(abs(s["crosshair"][0] - x0) - 0.78125) < 1e-6 and s["crosshair"][1:] == points[0][1:].tolist(),
              f"x {x0} -> {s['crosshair'][0]}")
        check("turning to MPR, clicking, probing and moving planes uploaded nothing (the planes sample "
              "the resident stack)", s["uploaded_bytes"] == uploaded, f"{uploaded} -> {s['uploaded_bytes']}")
        # Back to the slices.
        hold("ctrl", "m")
        s = v.wait(lambda s: s["layout"] == "1x1", "back to one viewport")
        check("Ctrl+M again goes back to the series' slices", "plane" not in s["viewports"][0])
    finally:
        v.close()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dcmlens", required=True)
    p.add_argument("--work")
    p.add_argument("--only")
    args = p.parse_args()
    args.work = args.work or tempfile.mkdtemp(prefix="dcmlens-e2e-mpr-")
    return run_tests([("mpr", test_mpr)], args)


if __name__ == "__main__":
    sys.exit(main())
