#!/usr/bin/python3
"""End-to-end tests of what a new user hit (the tags of the shown image, per-frame windows, no
window on colour images, the stage on the image, the panel, HiDPI, the window's geometry,
measuring, cine, the open dialog, recent files), and a newcomer's whole path: launch, open a
folder with Ctrl+O, scroll, measure, export, quit, start again.

usage: xvfb-run -a -s "-screen 0 1280x800x24 -noreset" e2e_newuser.py --dcmlens BIN [--corpus DIR]
(-noreset: the X server keeps the Xft.dpi resource the HiDPI check sets between viewers)
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from pydicom.dataset import Dataset, FileDataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian

from harness import run_tests, DEFAULT_CORPUS, HERE, RESULTS, Viewer, check, hold, screen, xdo


def make_series(work, slices=120, size=64):
    out = Path(work) / f"series{slices}"
    if not (out / "ct").exists():
        subprocess.run([sys.executable, str(HERE.parent.parent / "bench" / "make_series.py"), str(out),
                        "--slices", str(slices), "--size", str(size)], check=True, capture_output=True)
    return out / "ct"


def make_enhanced(work, frames=90):
    """An enhanced MR-like object whose frames carry their own window (Frame VOI LUT)."""
    path = Path(work) / "enhanced.dcm"
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.4.1"  # Enhanced MR Image Storage
    meta.MediaStorageSOPInstanceUID = "2.25.987654321"
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(str(path), {}, file_meta=meta, preamble=b"\0" * 128)
    ds.is_little_endian, ds.is_implicit_VR = True, False
    ds.SOPClassUID, ds.SOPInstanceUID = meta.MediaStorageSOPClassUID, meta.MediaStorageSOPInstanceUID
    ds.Modality = "MR"
    ds.Rows, ds.Columns, ds.NumberOfFrames = 24, 24, frames
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
    per_frame = []
    for k in range(frames):
        item = Dataset()
        voi = Dataset()
        voi.WindowCenter, voi.WindowWidth = 500 + 10 * k, 800 + 5 * k
        item.FrameVOILUTSequence = Sequence([voi])
        per_frame.append(item)
    ds.PerFrameFunctionalGroupsSequence = Sequence(per_frame)
    ds.PixelData = (np.arange(frames * 24 * 24, dtype=np.uint16) % 4096).tobytes()
    ds.save_as(path, write_like_original=False)
    return path


def drag(x0, y0, x1, y1, steps=8):
    xdo("mousemove", x0, y0)
    time.sleep(0.05)
    xdo("mousedown", 1)
    for k in range(1, steps + 1):
        xdo("mousemove", x0 + (x1 - x0) * k // steps, y0 + (y1 - y0) * k // steps)
        time.sleep(0.03)
    xdo("mouseup", 1)


def test_tags_follow(args, work):
    folder = make_series(work)
    v = Viewer(args, folder, extra=["--panel", "Tags"])
    try:
        v.wait(lambda s: s["all_resident"], "the series")
        xdo("mousemove", *v.at(0.5, 0.5))
        xdo("key", "End")
        s = v.wait(lambda s: s["frame"] == 119 and s["tags"]["file"] == s["file"], "image 120's tags")
        check("the Tags tab shows the shown image's tags (image 120 of 120: Instance Number 120)",
              s["tags"]["instance_number"] == "120", f"{s['tags']}")
    finally:
        v.close()
    enhanced = make_enhanced(work)
    v = Viewer(args, enhanced, extra=["--panel", "Tags"])
    try:
        v.wait(lambda s: s["all_resident"], "the enhanced object")
        xdo("mousemove", *v.at(0.5, 0.5))
        xdo("key", "End")
        s = v.wait(lambda s: s["frame"] == 89, "frame 90")
        s = v.wait(lambda s: s["tags"]["frame"] == 90, "frame 90's tags")
        check("a multi-frame object's tags follow the frame", s["tags"]["frame"] == 90, f"{s['tags']}")
        # Frame 90's own window (its Frame VOI LUT): C 500 + 10 k, W 800 + 5 k for k = 89.
        check("the default window follows the frame of an enhanced object (per-frame VOI)",
              s["center"] == 500 + 890 and s["width"] == 800 + 445, f"C {s['center']} W {s['width']}")
        xdo("key", "Home")
        s = v.wait(lambda s: s["frame"] == 0 and s["center"] == 500, "frame 1 and its window")
        check("... and back at frame 1 its own", s["center"] == 500 and s["width"] == 800,
              f"C {s['center']} W {s['width']}")
        x0, y0 = v.at(0.5, 0.5)
        drag(x0, y0, x0 + 60, y0 + 20)
        s = v.wait(lambda s: s["window_adjusted"], "the user's window")
        c, w = s["center"], s["width"]
        xdo("key", "Down")
        s = v.wait(lambda s: s["frame"] == 1, "frame 2")
        check("a window the user set stays while scrolling", s["center"] == c and s["width"] == w)
        xdo("key", "r")
        s = v.wait(lambda s: not s["window_adjusted"], "R")
        check("R returns to the frame's own window", s["center"] == 510 and s["width"] == 805,
              f"C {s['center']} W {s['width']}")
    finally:
        v.close()


def test_colour_and_stages(args, work):
    rgb = Path(args.corpus) / "SC_rgb_small_odd.dcm"
    v = Viewer(args, rgb)
    try:
        s = v.wait(lambda s: s["resident"], "the colour image")
        c, w = s["center"], s["width"]
        x0, y0 = v.at(0.5, 0.5)
        drag(x0, y0, x0 + 80, y0 + 40)
        xdo("key", "4")
        time.sleep(0.5)
        s = v.settle()
        check("a left drag and a preset key change no window on a colour image (none applies)",
              s["center"] == c and s["width"] == w and not s["window_adjusted"],
              f"C {c}->{s['center']} W {w}->{s['width']}")
    finally:
        v.close()
    r = subprocess.run([args.dcmlens, "render", str(rgb), "-o", str(Path(work) / "rgb.png"),
                        "--window=100,200"], capture_output=True, text=True)
    check("render --window on RGB is an error, not silently ignored",
          r.returncode == 1 and "greyscale" in r.stderr and len(r.stderr.strip().splitlines()) == 1,
          r.stderr.strip())
    ct = Path(args.corpus) / "CT_small.dcm"  # a CT without Rescale Type (0028,1054)
    v = Viewer(args, ct)
    try:
        v.wait(lambda s: s["resident"], "CT_small")
        xdo("mousemove", *v.image_point(64, 64))
        s = v.wait(lambda s: s["status"].startswith("x 64  y 64"), "the status line")
        check("a CT's values without Rescale Type are HU (PS3.3 C.8.2.1)", s["status"].endswith(" HU"),
              s["status"])
    finally:
        v.close()
    mr = Path(args.corpus) / "MR_small.dcm"
    v = Viewer(args, mr, extra=["--panel", "Pixel data"])
    try:
        v.wait(lambda s: s["resident"], "MR_small")
        xdo("mousemove", *v.at(0.5, 0.5))
        xdo("key", "s")
        s = v.wait(lambda s: s["stage"] == "voi", "the VOI stage")
        check("the image says which stage it shows", any("Stage: VOI" in n for n in s["notes"]),
              f"{s['notes']}")
        xdo("key", "s")
        s = v.wait(lambda s: s["stage"] == "modality", "the modality stage")
        check("... modality values", any("modality values" in n for n in s["notes"]), f"{s['notes']}")
    finally:
        v.close()


def test_panel(args, work):
    folder = make_series(work)
    config = Path(tempfile.mkdtemp(prefix="dcmlens-config-", dir=work))
    v = Viewer(args, folder, extra=["--panel", "Probe"], config=config)
    try:
        v.wait(lambda s: s["all_resident"], "the series")
        xdo("mousemove", *v.at(0.4, 0.4))
        xdo("key", "p")
        xdo("mousemove", *v.at(0.6, 0.6))
        xdo("key", "p")
        v.wait(lambda s: len(s["pins"]) == 2, "two pins")
        names = ["Window", "Probe", "Measure", "Histogram", "Pixel data", "Compare", "Series", "Tags", "Info"]
        for name in names:
            v.click_widget(f"tab {name}")
            v.wait(lambda s, n=name: s["panel"] == n and n in s["panel_overflow"], f"the {name} tab")
            xdo("mousemove", *v.at(0.5, 0.5))
            time.sleep(0.2)
        s = v.settle()
        over = {k: o for k, o in s["panel_overflow"].items() if o > 0}
        check("every tab is reachable at once (no scrolling strip) and none is wider than the panel",
              set(names) <= set(s["panel_overflow"]) and not over, f"overflow {over}")
        width = s["panel_width"]
        x, y = v.widget("panel edge")
        xdo("mousemove", x, y)
        time.sleep(0.1)
        xdo("mousedown", 1)
        for k in range(1, 6):
            xdo("mousemove", x - 20 * k, y)
            time.sleep(0.05)
        xdo("mouseup", 1)
        s = v.wait(lambda s: s["panel_width"] > width + 50, "a wider panel")
        wider = s["panel_width"]
    finally:
        v.close()
    v = Viewer(args, folder, config=config)
    try:
        check("the panel's width is remembered", abs(v.state["panel_width"] - wider) < 1,
              f"{v.state['panel_width']} vs {wider}")
    finally:
        v.close()
    v = Viewer(args, folder, size="800x600")
    try:
        x, y, w, h = v.viewport()
        check("at 800 x 600 the image keeps most of the window", w >= 0.55 * 800 - 1, f"viewport {w} x {h}")
    finally:
        v.close()


def test_hidpi(args, work):
    v = Viewer(args)
    try:
        base = v.viewport()[1]  # below the menu bar: its height
    finally:
        v.close()
    v = Viewer(args, extra=["--ui-scale", "2"])
    try:
        check("--ui-scale 2 doubles the interface", v.state["ui_scale"] == 2 and
              abs(v.viewport()[1] - 2 * base) <= 2, f"menu {base} -> {v.viewport()[1]}")
    finally:
        v.close()
    subprocess.run(["xrdb", "-nocpp", "-merge"], input="Xft.dpi: 192\n", text=True, check=True)
    try:
        v = Viewer(args)
        try:
            check("a 192-dpi display (Xft.dpi) scales the interface by 2 (GLFW's content scale)",
                  v.state["ui_scale"] == 2, f"ui_scale {v.state['ui_scale']}")
        finally:
            v.close()
    finally:
        subprocess.run(["xrdb", "-nocpp", "-merge"], input="Xft.dpi: 96\n", text=True, check=True)


def window_id():
    out = subprocess.run(["xdotool", "search", "--name", "^dcmlens$"], capture_output=True, text=True)
    ids = out.stdout.split()
    return ids[-1] if ids else None


def test_window_and_quit(args, work):
    config = Path(tempfile.mkdtemp(prefix="dcmlens-config-", dir=work))
    v = Viewer(args, size=None, config=config)
    try:
        check("with nothing remembered the window is 1280 x 800", v.state["window"][2:] == [1280, 800],
              f"{v.state['window']}")
        wid = window_id()
        xdo("windowsize", wid, 1000, 700)
        xdo("windowmove", wid, 30, 40)
        s = v.wait(lambda s: s["window"] == [30, 40, 1000, 700], "the moved and resized window")
        xdo("mousemove", *v.at(0.5, 0.5))
        hold("ctrl", "q")
        code = v.proc.wait(timeout=10)
        check("Ctrl+Q quits", code == 0, f"exit {code}")
    finally:
        v.close()
    v = Viewer(args, size=None, config=config)
    try:
        check("the window's size and position are restored at the next start",
              v.state["window"] == [30, 40, 1000, 700], f"{v.state['window']}")
    finally:
        v.close()


def test_measure(args, work):
    folder = make_series(work)
    v = Viewer(args, folder, extra=["--panel", "Measure"])
    try:
        s = v.wait(lambda s: s["all_resident"], "the series")
        spacing = 0.78125  # make_series' Pixel Spacing
        v.click_widget("tool: rectangle")
        s = v.wait(lambda s: s["tool"] == "rectangle", "the rectangle tool")
        check("choosing a tool shows at once (the state changed)", s["tool"] == "rectangle")
        v.click_widget("tab Window")  # another tab: the tool stays, and says so on the image
        s = v.wait(lambda s: s["panel"] == "Window", "the Window tab")
        check("the active tool is on the image", any("Tool: rectangle" in n for n in s["notes"]),
              f"{s['notes']}")
        a = v.image_point(10, 10)
        b = v.image_point(30, 20)
        drag(*a, *b)
        s = v.wait(lambda s: len(s["measurements"]) == 1 and s["measurements"][0]["complete"], "a rectangle")
        m = s["measurements"][0]
        check("a rectangle measures its area in mm2", abs(m["area_mm2"] - 20 * 10 * spacing ** 2) < 20 * spacing,
              f"{m}")
        v.click_widget("tab Measure")
        v.wait(lambda s: s["panel"] == "Measure", "the Measure tab")
        v.click_widget("tool: line")
        v.wait(lambda s: s["tool"] == "line", "the line tool")
        xdo("mousemove", *v.at(0.5, 0.5))
        xdo("key", "Down")
        v.wait(lambda s: s["frame"] == 1, "image 2")
        a = v.image_point(5, 40)
        b = v.image_point(45, 40)
        drag(*a, *b)
        s = v.wait(lambda s: len(s["measurements"]) == 2, "a line on image 2")
        line = s["measurements"][1]
        check("measurements add up, each on its own image (a line on image 2 keeps the rectangle of "
              "image 1)", s["measurements"][0]["frame"] == 1 and line["frame"] == 2,
              f"frames {[m['frame'] for m in s['measurements']]}")
        check("a line measures its length in mm", abs(line["length_mm"] - 40 * spacing) < 2 * spacing,
              f"{line.get('length_mm')}")
        v.click_widget("tool: angle")
        v.wait(lambda s: s["tool"] == "angle", "the angle tool")
        c0, c1 = v.image_point(20, 20), v.image_point(40, 20)
        drag(*c0, *c1)
        xdo("mousemove", *v.image_point(40, 45))
        time.sleep(0.1)
        xdo("click", 1)
        s = v.wait(lambda s: len(s["measurements"]) == 3 and s["measurements"][2]["complete"], "an angle")
        check("an angle of a right angle reads 90 degrees", abs(s["measurements"][2]["angle"] - 90) < 2,
              f"{s['measurements'][2].get('angle')}")
        v.click_widget("measurement 1: delete")
        s = v.wait(lambda s: len(s["measurements"]) == 2, "one measurement fewer")
        check("a measurement can be deleted", [m["tool"] for m in s["measurements"]] == ["line", "angle"],
              f"{[m['tool'] for m in s['measurements']]}")
        xdo("mousemove", *v.at(0.5, 0.5))
        xdo("key", "Escape")
        s = v.wait(lambda s: s["tool"] == "window/level", "Esc")
        check("Esc returns to window/level", s["tool"] == "window/level")
        v.click_widget("measurements: clear all")
        s = v.wait(lambda s: not s["measurements"], "clear all")
        check("Clear all empties the list (and the state says so)", not s["measurements"])
        xdo("mousemove", *v.at(0.5, 0.5))
        xdo("key", "c")
        v.wait(lambda s: s["cine"], "cine")
        xdo("key", "equal")
        xdo("key", "equal")
        s = v.wait(lambda s: s["cine_fps"] > 15, "faster cine")
        time.sleep(1.5)
        s = v.settle()
        check("cine's speed is set with + and the rate achieved is shown",
              s["cine_fps"] > 15 and s["cine_measured_fps"] > 5, f"{s['cine_fps']} fps asked, "
              f"{s['cine_measured_fps']:.1f} shown")
    finally:
        v.close()


def test_open_dialog_and_recent(args, work):
    folder = make_series(work)
    bad = Path(work) / "zeros.dcm"  # exists, but is no DICOM file
    bad.write_bytes(bytes(4096))
    v = Viewer(args, bad)
    try:
        s = v.wait(lambda s: s["errors"] >= 1, "the failed open")
        check("a failed open is not a recent file", s["recent"] == [], f"{s['recent']}")
        xdo("mousemove", *v.at(0.5, 0.5))
        hold("ctrl", "o")
        s = v.wait(lambda s: s["browser"] != "", "the dialog")
        check("the dialog starts in an absolute folder (the current one)",
              Path(s["browser"]).is_absolute() and Path(s["browser"]) == v.work.resolve(), s["browser"])
        hold("ctrl", "a")
        xdo("type", "--delay", "5", str(folder.parent))
        s = v.wait(lambda s: s["browser"] == str(folder.parent), "the list to follow the typing")
        check("the list follows the path as it is typed (no Enter)", True)
        hold("ctrl", "a")
        xdo("type", "--delay", "5", "/no/such/place")
        hold("Return")
        s = v.wait(lambda s: s["browser_error"] != "", "the error")
        hold("ctrl", "a")
        xdo("type", "--delay", "5", str(folder))
        s = v.wait(lambda s: s["browser"] == str(folder), "the folder")
        check("a stale error goes when the path changes", s["browser_error"] == "", s["browser_error"])
        hold("Return")
        time.sleep(0.3)
        hold("Return")
        s = v.wait(lambda s: s["file"].startswith(str(folder)), "the folder opened")
        check("an opened folder is a recent file", str(folder) in s["recent"], f"{s['recent']}")
        xdo("mousemove", *v.at(0.5, 0.5))
        hold("ctrl", "o")
        s = v.wait(lambda s: s["browser"] != "", "the dialog again")
        check("the dialog starts where the last open was", s["browser"] == str(folder.parent), s["browser"])
        hold("ctrl", "a")
        xdo("type", "--delay", "5", ".")
        hold("Return")
        s = v.wait(lambda s: s["browser"] == str(v.work.resolve()), "'.' resolved")
        v.click_widget("browser up")
        s = v.wait(lambda s: s["browser"] == str(v.work.resolve().parent), "Up")
        check("Up from '.' goes to the parent of the current folder", True, s["browser"])
    finally:
        v.close()


def test_newcomer(args, work):
    """Launch with no argument, open a folder with Ctrl+O, scroll, measure, export, quit, start
    again: each step's result."""
    folder = make_series(work)
    config = Path(tempfile.mkdtemp(prefix="dcmlens-newcomer-", dir=work))
    v = Viewer(args, config=config)
    try:
        check("1. no argument: the demo stack", v.state["file"].startswith("demo:") and v.state["frames"] == 100)
        xdo("mousemove", *v.at(0.5, 0.5))
        hold("ctrl", "o")
        v.wait(lambda s: s["browser"] != "", "the open dialog")
        hold("ctrl", "a")
        xdo("type", "--delay", "5", str(folder))
        hold("Return")
        time.sleep(0.3)
        hold("Return")
        s = v.wait(lambda s: s["file"].startswith(str(folder)) and s["all_resident"], "the folder")
        check("2. Ctrl+O opens the folder: 120 images, sorted", s["frames"] == 120)
        xdo("mousemove", *v.at(0.5, 0.5))
        for _ in range(10):
            xdo("click", 5)
        s = v.wait(lambda s: s["frame"] == 10, "image 11")
        check("3. the wheel scrolls to image 11", s["frame"] == 10)
        v.click_widget("tab Measure")
        v.wait(lambda s: s["panel"] == "Measure", "the Measure tab")
        v.click_widget("tool: ellipse")
        v.wait(lambda s: s["tool"] == "ellipse", "the ellipse tool")
        drag(*v.image_point(20, 20), *v.image_point(44, 44))
        s = v.wait(lambda s: s["measurements"] and s["measurements"][0].get("n", 0) > 0, "an ellipse")
        check("4. an ellipse measures the mean HU inside", abs(s["measurements"][0]["mean"]) < 2000,
              f"{s['measurements'][0]}")
        xdo("mousemove", *v.at(0.5, 0.5))
        hold("ctrl", "e")
        v.wait(lambda s: s["browser"] != "", "the save dialog")
        hold("Return")
        s = v.wait(lambda s: s["last_export"] != "", "the export")
        exported = Path(s["last_export"])
        check("5. Ctrl+E, Enter: the view with its annotations in the current folder",
              exported.exists() and exported.parent == v.work.resolve(), str(exported))
        hold("ctrl", "q")
        code = v.proc.wait(timeout=10)
        check("6. Ctrl+Q quits cleanly", code == 0, f"exit {code}")
    finally:
        v.close()
    v = Viewer(args, config=config)
    try:
        s = v.state
        check("7. the next start remembers the folder among the recent files", str(folder) in s["recent"],
              f"{s['recent']}")
        xdo("mousemove", *v.at(0.5, 0.5))
        hold("ctrl", "o")
        s = v.wait(lambda s: s["browser"] != "", "the open dialog")
        check("8. ... and the open dialog starts where the folder was", s["browser"] == str(folder.parent),
              s["browser"])
    finally:
        v.close()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dcmlens", required=True)
    p.add_argument("--corpus", default=DEFAULT_CORPUS)
    p.add_argument("--work")
    p.add_argument("--only", help="comma-separated names of the tests to run (default: all)")
    args = p.parse_args()
    work = tempfile.mkdtemp(prefix="dcmlens-e2e-newuser-")
    args.work = args.work or work
    tests = [(name, lambda a, f=f: f(a, work)) for name, f in (
        ("tags_follow", test_tags_follow),
        ("colour_and_stages", test_colour_and_stages),
        ("panel", test_panel),
        ("hidpi", test_hidpi),
        ("window_and_quit", test_window_and_quit),
        ("measure", test_measure),
        ("open_dialog_and_recent", test_open_dialog_and_recent),
        ("newcomer", test_newcomer),
    )]
    return run_tests(tests, args)


if __name__ == "__main__":
    sys.exit(main())
