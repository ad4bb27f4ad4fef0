#!/usr/bin/python3
"""End-to-end tests of the real viewer window, under Xvfb, driven by xdotool.

usage: xvfb-run -a -s "-screen 0 1280x800x24" e2e.py --dcmlens BIN [--corpus DIR] [--work DIR]

dcmlens runs with --state-log: after every change it appends its state (frame, window, zoom, pan,
colormap, errors, and where the image viewport is on screen) as one JSON line. Each check drives
the window with xdotool, waits for the state it expects, and reads the screen with ImageMagick's
`import -window root` to check that the pixels changed as they should. Every check must run: none
skips (CI has Xvfb).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

from harness import run_tests, DEFAULT_CORPUS, HERE, RESULTS, Viewer, check, hold, render_reference, screen, xdo


def test_window_level_drag(args):
    v = Viewer(args)  # the demo stack
    try:
        # The drag scales by the shown frame's modality range, known once that frame is decoded
        # (a loaded machine shows the first state before: the range is then the stored type's).
        s = v.wait(lambda s: s["resident"], "the first frame decoded")
        check("demo stack opens with its first window", s["frames"] == 100 and s["center"] == 40
              and s["width"] == 400, f"frames {s['frames']} C {s['center']} W {s['width']}")
        lo, hi = s["value_range"]
        _, _, w, h = v.viewport()
        tissue = v.image_point(128, 40)  # soft tissue of the phantom (40 HU)
        before = screen()
        x0, y0 = v.at(0.5, 0.5)
        xdo("mousemove", x0, y0)
        time.sleep(0.1)
        xdo("mousedown", 1)
        for k in range(1, 11):
            xdo("mousemove", x0 + 10 * k, y0 + 5 * k)
            time.sleep(0.03)
        xdo("mouseup", 1)
        s = v.wait(lambda s: s["width"] != 400, "the drag to change the window")
        s = v.settle()
        want_w = 400 + 100 * (hi - lo) / w
        want_c = 40 + 50 * (hi - lo) / h
        check("left-drag of (+100, +50) px changes width and center by range x distance / viewport",
              abs(s["width"] - want_w) < 1e-6 and abs(s["center"] - want_c) < 1e-6,
              f"W {s['width']:.3f} want {want_w:.3f}, C {s['center']:.3f} want {want_c:.3f}")
        after = screen()
        level = lambda img: int(img[tissue[1], tissue[0], 0])
        # 40 HU under the new window: floor(((40 - (C - 0.5)) / (W - 1) + 0.5) * 255)
        expected = int(((40 - (want_c - 0.5)) / (want_w - 1) + 0.5) * 255)
        check("the screen shows the new window (soft tissue darker, at the level the window gives)",
              level(after) < level(before) and abs(level(after) - expected) <= 3,
              f"tissue {level(before)} -> {level(after)}, expected about {expected}")

        before = screen()
        xdo("mousemove", *v.at(0.5, 0.5))
        xdo("key", "i")
        v.wait(lambda s: s["invert"], "invert")
        v.settle()
        after = screen()
        a, b = v.crop(before)[:, :, 0], v.crop(after)[:, :, 0]
        check("I inverts the screen (each level becomes 255 - level, within truncation)",
              np.abs(a + b - 255).max() <= 1, f"max |a + b - 255| = {np.abs(a + b - 255).max()}")

        xdo("key", "4")  # CT preset 4: lung -600 / 1500
        s = v.wait(lambda s: s["center"] == -600 and s["width"] == 1500, "preset 4 (lung)")
        check("number key 4 applies the lung preset", True, f"C {s['center']} W {s['width']}")
        xdo("key", "i")
        v.wait(lambda s: not s["invert"], "invert off")
        v.settle()
        lung = v.image_point(128 + 51, 128)  # inside the right lung (-850 HU)
        img = screen()
        lung_level = int(img[lung[1], lung[0], 0])
        expected = int(((-850 - (-600 - 0.5)) / 1499 + 0.5) * 255)
        check("the lung preset shows lung at the level the window gives", abs(lung_level - expected) <= 3,
              f"lung {lung_level}, expected about {expected}")

        gray = v.crop(screen())
        xdo("key", "m")
        s = v.wait(lambda s: s["colormap"] != "gray", "a colormap change")
        v.settle()
        colour = v.crop(screen())
        check("M changes the colormap and the screen turns colour",
              np.abs(gray[:, :, 0] - gray[:, :, 2]).max() == 0 and
              np.abs(colour[:, :, 0] - colour[:, :, 2]).max() > 20, f"colormap {s['colormap']}")
    finally:
        v.close()


def test_zoom_and_pan(args):
    v = Viewer(args)
    try:
        cx, cy = v.image_point(100, 100)
        before = screen()
        xdo("mousemove", cx, cy)
        time.sleep(0.1)
        xdo("keydown", "ctrl")
        xdo("click", 4)
        xdo("keyup", "ctrl")
        z0 = v.state["zoom"]
        s = v.wait(lambda s: not s["fit"], "Ctrl+wheel zoom")
        s = v.settle()
        check("Ctrl+wheel zooms by 1.1", abs(s["zoom"] / z0 - 1.1) < 1e-9, f"{z0:.4f} -> {s['zoom']:.4f}")
        after = screen()
        check("the image point under the cursor stays under the cursor",
              np.abs(before[cy - 1:cy + 2, cx - 1:cx + 2] - after[cy - 1:cy + 2, cx - 1:cx + 2]).max() <= 2)
        _, _, w, h = v.viewport()
        nonblack = lambda img: int((v.crop(img, 0.02)[:, :, 0] > 10).sum())
        check("zooming in shows the image larger", nonblack(after) > nonblack(before),
              f"{nonblack(before)} -> {nonblack(after)} non-black pixels")

        before = screen()
        x0, y0 = v.at(0.5, 0.5)
        xdo("mousemove", x0, y0)
        xdo("mousedown", 2)
        for k in range(1, 6):
            xdo("mousemove", x0 + 8 * k, y0 + 6 * k)
            time.sleep(0.03)
        xdo("mouseup", 2)
        p0 = s["pan"]
        s = v.wait(lambda s: s["pan"] != p0, "a middle-drag pan")
        s = v.settle()
        check("middle-drag pans by the drag", abs(s["pan"][0] - p0[0] - 40) < 1e-9 and
              abs(s["pan"][1] - p0[1] - 30) < 1e-9, f"pan {p0} -> {s['pan']}")
        after = screen()
        x, y, w, h = v.viewport()
        a = before[y + 200:y + 400, x + 200:x + 500]
        b = after[y + 230:y + 430, x + 240:x + 540]
        check("the screen content moved by (+40, +30)", np.abs(a - b).max() <= 2,
              f"max diff {np.abs(a - b).max()}")
        xdo("key", "f")
        s = v.wait(lambda s: s["fit"] and s["pan"] == [0, 0], "F to fit")
        check("F fits the image again", True)
    finally:
        v.close()


def frame_checks(args, v, path_of_frame, label):
    """Wheel / Down / PageDown / End / Home move through the stack; the screen shows the frame."""
    n = v.state["frames"]
    xdo("mousemove", *v.at(0.5, 0.5))
    time.sleep(0.1)
    steps = [("click", 5, 1), ("click", 5, 2), ("key", "Down", 3), ("key", "Page_Down", min(13, n - 1)),
             ("key", "End", n - 1), ("key", "Home", 0), ("key", "Up", 0)]
    ok = True
    detail = []
    for kind, what, want in steps:
        xdo(kind, what)
        try:
            s = v.wait(lambda s, want=want: s["frame"] == want, f"frame {want}", timeout=10)
        except RuntimeError:
            s = v.last()
        detail.append(f"{what}->{s['frame']}")
        ok &= s["frame"] == want
    check(f"{label}: wheel, Down, PageDown, End, Home, Up reach the expected frames", ok, " ".join(detail))
    xdo("key", "End")
    v.wait(lambda s: s["frame"] == n - 1, "the last frame")
    v.settle()
    _, _, w, h = v.viewport()
    ref = render_reference(args, path_of_frame(n - 1), n - 1 if label.startswith("multi") else 0, w, h,
                           v.work, repr(v.state["center"]), repr(v.state["width"]))
    shown = v.crop(screen())
    expected = ref[int(h * 0.25): int(h * 0.75), int(w * 0.25): int(w * 0.75)]
    diff = np.abs(shown - expected).max() if shown.shape == expected.shape else 999
    check(f"{label}: the screen shows the last frame exactly as `dcmlens render` draws it", diff == 0,
          f"max diff {diff}")


def test_frames(args, work):
    rtdose = Path(args.corpus) / "rtdose.dcm"
    v = Viewer(args, rtdose)
    try:
        frame_checks(args, v, lambda f: rtdose, "multi-frame file")
    finally:
        v.close()
    series = Path(work) / "series"
    subprocess.run([sys.executable, str(HERE.parent.parent / "bench" / "make_series.py"), str(series),
                    "--slices", "20", "--size", "96"], check=True, capture_output=True)
    v = Viewer(args, series / "ct")
    try:
        # Slices sorted by position: the last frame is the most inferior slice (make_series puts
        # slice i at z = -1.25 i), whose file is the one with Instance Number 20.
        import pydicom
        by_number = {int(pydicom.dcmread(str(p), stop_before_pixels=True).InstanceNumber): p
                     for p in (series / "ct").glob("*.dcm")}
        frame_checks(args, v, lambda f: by_number[f + 1], "folder of slices")
    finally:
        v.close()


def test_progressive(args, work):
    """A 300-slice folder: the first image is on screen while later files still decode."""
    big = Path(work) / "big"
    subprocess.run([sys.executable, str(HERE.parent.parent / "bench" / "make_series.py"), str(big)],
                   check=True, capture_output=True)
    v = Viewer(args, big / "ct")
    try:
        v.wait(lambda s: s["resident"], "the first image")
        first = v.first(lambda s: s["resident"])
        check("the first image shows before the last file is decoded",
              not first["all_resident"] and first["loaded"] < first["frames"],
              f"{first['loaded']} of {first['frames']} files decoded when the first image showed")
        done = v.wait(lambda s: s["all_resident"], "the whole series", timeout=60)
        xdo("mousemove", *v.at(0.5, 0.5))
        xdo("key", "End")
        s = v.wait(lambda s: s["frame"] == 299, "the last slice")
        check("the whole folder loads and scrolls to the last slice", done["frames"] == 300 and s["frame"] == 299)
        check("the first image's 1-99 % window, computed after it showed, is offered as a preset",
              v.first(lambda s: "1-99 %" in s.get("presets", [])) is not None, f"{s.get('presets')}")
    finally:
        v.close()


def test_probe(args):
    """The probe shows the stored value of the pixel under a moved cursor, as `dcmlens probe` does."""
    ct = Path(args.corpus) / "CT_small.dcm"
    v = Viewer(args, ct)
    try:
        for ix, iy in [(40, 60), (100, 20)]:
            xdo("mousemove", *v.image_point(ix, iy))
            s = v.wait(lambda s, ix=ix, iy=iy: s.get("probe") and s["probe"]["x"] == ix and s["probe"]["y"] == iy,
                       f"the probe at ({ix}, {iy})")
            cli = json.loads(subprocess.run(
                [args.dcmlens, "probe", str(ct), "--pixel", f"{ix},{iy}", f"--window={s['center']!r},{s['width']!r}",
                 "--json"], check=True, capture_output=True, text=True).stdout)
            p = s["probe"]
            check(f"the probe at ({ix}, {iy}) shows the stored value, modality value and level of that pixel",
                  p["stored"] == cli["stored"] and abs(p["modality"] - cli["modality"]) < 1e-9 and
                  p["output"] == cli["output"], f"viewer {p}, CLI stored {cli['stored']} output {cli['output']}")
    finally:
        v.close()


def test_probe_colour(args, work):
    """The probe of a YBR image (samples before and after conversion) and of a palette image (index
    and looked-up RGB) shows what `dcmlens probe` computes."""
    sys.path.insert(0, str(HERE.parent / "oracle"))
    import make_synthetic
    palette = Path(work) / "palette_8bit.dcm"
    make_synthetic.palette_8bit("palette_8bit").save_as(palette, write_like_original=False)
    for path in (Path(args.corpus) / "SC_ybr_full_422_uncompressed.dcm", palette):
        v = Viewer(args, path)
        try:
            for ix, iy in [(5, 7), (30, 20)]:
                xdo("mousemove", *v.image_point(ix, iy))
                s = v.wait(lambda s, ix=ix, iy=iy: s.get("probe") and s["probe"]["x"] == ix and s["probe"]["y"] == iy,
                           f"the probe at ({ix}, {iy})")
                cli = json.loads(subprocess.run([args.dcmlens, "probe", str(path), "--pixel", f"{ix},{iy}", "--json"],
                                                check=True, capture_output=True, text=True).stdout)
                p = s["probe"]
                want_kind = "palette" if path == palette else "colour"
                check(f"{path.name}: the probe at ({ix}, {iy}) shows the {want_kind} output of `dcmlens probe`",
                      p["kind"] == want_kind and p["rgb"] == cli["output"], f"viewer {p}, CLI {cli['output']}")
        finally:
            v.close()


def test_stages_and_pins(args):
    """S shows the pipeline stages as the image, exactly as `render --stage`; P pins the probe."""
    mr = Path(args.corpus) / "MR_small.dcm"
    v = Viewer(args, mr)
    try:
        xdo("mousemove", *v.at(0.5, 0.5))
        for stage in ("voi", "modality", "stored"):
            xdo("key", "s")
            v.wait(lambda s, stage=stage: s["stage"] == stage, f"the {stage} stage")
            v.settle()
            _, _, w, h = v.viewport()
            out = v.work / f"stage_{stage}.png"
            extra = [f"--window={v.state['center']!r},{v.state['width']!r}"] if stage == "voi" else []
            subprocess.run([args.dcmlens, "render", str(mr), "-o", str(out), "--size", f"{w}x{h}",
                            "--stage", stage, *extra], check=True, capture_output=True)
            ref = np.asarray(Image.open(out).convert("RGB")).astype(np.int16)
            shown = v.crop(screen())
            expected = ref[int(h * 0.25): int(h * 0.75), int(w * 0.25): int(w * 0.75)]
            diff = np.abs(shown - expected).max() if shown.shape == expected.shape else 999
            check(f"S: the {stage} stage on screen equals `render --stage {stage}`", diff == 0, f"max diff {diff}")
        xdo("key", "s")
        v.wait(lambda s: s["stage"] == "output", "the output stage again")
        for ix, iy in [(10, 20), (40, 33)]:
            xdo("mousemove", *v.image_point(ix, iy))
            v.wait(lambda s, ix=ix, iy=iy: s.get("probe") and s["probe"]["x"] == ix and s["probe"]["y"] == iy,
                   f"the probe at ({ix}, {iy})")
            xdo("key", "p")
        s = v.wait(lambda s: len(s["pins"]) == 2, "two pins")
        check("P pins the pixel under the cursor", s["pins"] == [[10, 20, 1], [40, 33, 1]], f"{s['pins']}")
    finally:
        v.close()


def test_compare(args, work):
    """The Compare tab: image 1 against image 2 of a folder as `dcmlens compare` computes it; then the
    GPU's view against the CPU reference of the same view, nearest and bilinear."""
    series = Path(work) / "compare"
    subprocess.run([sys.executable, str(HERE.parent.parent / "bench" / "make_series.py"), str(series),
                    "--slices", "6", "--size", "96"], check=True, capture_output=True)
    import pydicom
    by_number = {int(pydicom.dcmread(str(p), stop_before_pixels=True).InstanceNumber): p
                 for p in (series / "ct").glob("*.dcm")}
    v = Viewer(args, series / "ct", extra=["--panel", "Compare"])
    try:
        s = v.wait(lambda s: s["all_resident"] and s.get("compare"), "the comparison of images 1 and 2")
        cli = json.loads(subprocess.run([args.dcmlens, "compare", str(by_number[1]), str(by_number[2]), "--json"],
                                        check=True, capture_output=True, text=True).stdout)
        got = s["compare"]
        check("Compare tab: image 2 - image 1 as `dcmlens compare` of their files",
              got["differing"] == cli["differing"] and got["max_abs"] == cli["max_abs"] and
              abs(got["mean"] - cli["mean"]) < 1e-9 and got["differing"] > 0, f"viewer {got}, CLI {cli}")
        xdo("mousemove", *map(int, s["widgets"]["compare: GPU vs CPU"]))
        xdo("click", "1")
        s = v.wait(lambda s: s.get("compare", {}).get("compared") == "8-bit output", "GPU vs CPU")
        check("Compare tab: the GPU's view equals the CPU reference (nearest)", s["compare"]["differing"] == 0,
              f"{s['compare']}")
        xdo("mousemove", *v.at(0.5, 0.5))
        xdo("key", "l")
        v.wait(lambda s: s["linear"], "bilinear interpolation")
        v.settle()
        c = v.state["compare"]
        check("Compare tab: bilinear GPU view within 1 level of the CPU on at most 0.01 % of the pixels",
              c["max_abs"] <= 1 and c["differing"] <= 1e-4 * c["pixels"], f"{c}")
    finally:
        v.close()


def test_export_annotated(args):
    """Ctrl+E opens the save dialog with a name that is not taken yet; Enter writes the viewport as
    it is on screen, annotations included, where the dialog points; a message says where and
    stays; a second export gets a new name instead of overwriting the first."""
    ct = Path(args.corpus) / "CT_small.dcm"
    v = Viewer(args, ct)
    try:
        xdo("mousemove", *v.at(0.5, 0.5))
        hold("ctrl", "e")
        s = v.wait(lambda s: s["browser"] != "", "the save dialog")
        check("Ctrl+E opens the save dialog in the current folder (no export folder chosen yet)",
              Path(s["browser"]).resolve() == v.work.resolve(), s["browser"])
        hold("Return")
        s = v.wait(lambda s: s["last_export"].endswith("-annotated.png"), "the annotated export")
        v.settle()
        first = Path(s["last_export"])
        check("the export is written into the dialog's folder under the suggested name",
              first.parent.resolve() == v.work.resolve() and first.name == "CT_small.dcm-1-annotated.png",
              str(first))
        exported = np.asarray(Image.open(first).convert("RGB")).astype(np.int16)
        x, y, w, h = v.viewport()
        xdo("mousemove", *v.at(0.5, 0.5))  # the message goes away hiding nothing: read the screen
        shown = screen()[y:y + h, x:x + w]
        # The message box (top left) is not part of the export: compare outside it.
        mask = np.ones(shown.shape[:2], bool)
        mask[20:140, :560] = False
        diff = np.abs(exported - shown).max(axis=2)[mask].max() if exported.shape == shown.shape else 999
        check("Ctrl+E exports the viewport exactly as shown", diff == 0, f"max diff {diff}, {exported.shape}")
        ref = render_reference(args, ct, 0, w, h, v.work, repr(s["center"]), repr(s["width"]))
        inner = np.abs(exported[int(h * 0.25): int(h * 0.75), int(w * 0.25): int(w * 0.75)] - ref[int(h * 0.25): int(h * 0.75), int(w * 0.25): int(w * 0.75)]).max()
        text = int((np.abs(exported - ref).max(axis=2) > 60).sum())
        check("the export holds the image and the annotations around it", inner == 0 and text > 200,
              f"centre max diff {inner}, {text} annotation pixels")
        xdo("mousemove", *v.at(0.7, 0.7))
        time.sleep(0.3)
        s = v.settle()
        check("a message says where the export went, and stays after the mouse moved",
              any(str(first) in m for m in s["messages"]), f"{s['messages']}")
        hold("ctrl", "e")
        v.wait(lambda s: s["browser"] != "", "the save dialog again")
        hold("Return")
        s = v.wait(lambda s: s["last_export"] != str(first), "the second export")
        check("a second export gets a name of its own: the first is not overwritten",
              Path(s["last_export"]).name == "CT_small.dcm-1-annotated-2.png" and first.exists(),
              s["last_export"])
    finally:
        v.close()


def test_series_browser(args, work):
    """The Series tab lists both stacks of two folders with a GPU-drawn thumbnail of each one's
    middle image, equal to `dcmlens render` of that image at 64x64; clicking one shows it."""
    import pydicom
    refs = {}
    folders = []
    for name, slices, size in (("tall", 6, 96), ("short", 4, 64)):
        out = Path(work) / f"browser-{name}"
        subprocess.run([sys.executable, str(HERE.parent.parent / "bench" / "make_series.py"), str(out),
                        "--slices", str(slices), "--size", str(size)], check=True, capture_output=True)
        by_number = {int(pydicom.dcmread(str(p), stop_before_pixels=True).InstanceNumber): p
                     for p in (out / "ct").glob("*.dcm")}
        middle = by_number[slices // 2 + 1]
        ref = Path(work) / f"thumb-{name}.png"
        subprocess.run([args.dcmlens, "render", str(middle), "-o", str(ref), "--size", "64x64"], check=True,
                       capture_output=True)
        refs[name] = np.asarray(Image.open(ref).convert("RGB")).astype(np.int16)
        folders.append(out / "ct")
    v = Viewer(args, *folders, extra=["--panel", "Series"])
    try:
        s = v.wait(lambda s: s["all_resident"] and "thumbnail 1" in s["widgets"] and "thumbnail 2" in s["widgets"],
                   "two thumbnails")
        v.settle()
        img = screen()
        matched = set()
        for key in ("thumbnail 1", "thumbnail 2"):
            cx, cy = s["widgets"][key]
            x, y = int(round(cx - 32)), int(round(cy - 32))
            shown = img[y:y + 64, x:x + 64]
            for name, ref in refs.items():
                if shown.shape == ref.shape and np.abs(shown - ref).max() == 0:
                    matched.add(name)
        check("Series tab: each stack's thumbnail is its middle image as `dcmlens render --size 64x64` draws it",
              matched == {"tall", "short"}, f"matched {sorted(matched)}")
        frames = s["frames"]
        xdo("mousemove", int(s["widgets"]["thumbnail 2"][0]) + 120, int(s["widgets"]["thumbnail 2"][1]))
        xdo("click", "1")
        s = v.wait(lambda s: s["frames"] != frames, "the other stack")
        check("clicking a series shows it", s["frames"] in (4, 6) and s["frames"] != frames,
              f"{frames} -> {s['frames']} images")
    finally:
        v.close()


def test_dicomdir(args):
    """Opening a DICOMDIR shows the files its records reference, as `dcmlens info` lists them."""
    dicomdir = Path(args.corpus) / "dicomdirtests" / "DICOMDIR"
    listed = json.loads(subprocess.run([args.dcmlens, "info", str(dicomdir), "--json"], check=True,
                                       capture_output=True, text=True).stdout)["dicomdir"]["files"]
    v = Viewer(args, dicomdir)
    try:
        s = v.wait(lambda s: s["stacks"] > 0 and s["resident"], "the DICOMDIR's images")
        check("a DICOMDIR opens the files its records reference, grouped into stacks",
              s["stack_files"] + s["errors"] == len(listed) and s["stack_files"] > 0 and s["stacks"] > 1,
              f"{s['stack_files']} files in {s['stacks']} stacks, {s['errors']} errors; DICOMDIR lists {len(listed)}")
    finally:
        v.close()


def test_malformed(args):
    v = Viewer(args)
    try:
        bad = Path(args.corpus) / "MR_truncated.dcm"
        xdo("mousemove", *v.at(0.5, 0.5))
        xdo("key", "ctrl+o")
        time.sleep(0.5)
        # Keys are held for a moment: Dear ImGui 1.86 polls key state once per frame.
        hold("ctrl", "a")
        xdo("type", "--delay", "5", str(bad))
        hold("Return")
        s = v.wait(lambda s: s["errors"] >= 1, "the error of a malformed file")
        check("opening a malformed file reports it in the UI", "MR_truncated.dcm" in s["last_error"],
              s["last_error"])
        xdo("mousemove", *v.at(0.5, 0.5))
        xdo("key", "Escape")
        xdo("key", "Down")
        s = v.wait(lambda s: s["frame"] == 1, "a key press after the error", timeout=10)
        check("the app still responds to input after the error", s["frame"] == 1 and v.proc.poll() is None)
    finally:
        v.close()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dcmlens", required=True)
    p.add_argument("--corpus", default=DEFAULT_CORPUS)
    p.add_argument("--work")
    p.add_argument("--screenshot", help="save a screenshot of the viewer here (README)")
    p.add_argument("--only", help="comma-separated names of the tests to run (default: all)")
    args = p.parse_args()
    work = tempfile.mkdtemp(prefix="dcmlens-e2e-")
    args.work = args.work or work
    tests = [("window_level_drag", test_window_level_drag), ("zoom_and_pan", test_zoom_and_pan),
             ("frames", lambda a: test_frames(a, work)), ("progressive", lambda a: test_progressive(a, work)),
             ("probe", test_probe), ("probe_colour", lambda a: test_probe_colour(a, work)),
             ("stages_and_pins", test_stages_and_pins), ("compare", lambda a: test_compare(a, work)),
             ("export_annotated", test_export_annotated),
             ("series_browser", lambda a: test_series_browser(a, work)), ("dicomdir", test_dicomdir),
             ("malformed", test_malformed)]
    status = run_tests(tests, args)
    if args.screenshot:
        v = Viewer(args)
        try:
            xdo("mousemove", *v.at(0.55, 0.45))
            xdo("key", "Page_Down", "Page_Down")
            v.settle()
            subprocess.run(["import", "-window", "root", args.screenshot], check=True)
        finally:
            v.close()
    shutil.rmtree(work, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
