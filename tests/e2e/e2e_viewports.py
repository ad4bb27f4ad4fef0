#!/usr/bin/python3
"""End-to-end tests of layouts and linked viewports, under Xvfb, driven by xdotool.

usage: xvfb-run -a -s "-screen 0 1280x800x24" e2e_viewports.py --dcmlens BIN [--work DIR]

Three series of one frame of reference, written here with pydicom: A axial (30 slices, 2.5 mm
apart, head first), B axial (60 slices, 1.25 mm, feet first: reversed order) and C sagittal.
`dcmlens --layout 2x2 A B C` shows them; the checks scroll, turn and probe them and compare with
what `dcmlens info`, `render` and `probe` say of the same files and views. Every check runs.
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
from PIL import Image
from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

from harness import run_tests, RESULTS, Viewer, check, hold, screen, xdo

CT = "1.2.840.10008.5.1.4.1.1.2"


def write_series(folder, name, study, frame, origins, row, col, size, spacing, seed):
    """A CT series whose stored values are a ramp of the patient position, so that every slice and
    every turn of the image differs."""
    folder.mkdir(parents=True, exist_ok=True)
    series = generate_uid(entropy_srcs=[name, str(seed)])
    row, col = np.array(row, float), np.array(col, float)
    for i, origin in enumerate(origins):
        meta = FileMetaDataset()
        meta.MediaStorageSOPClassUID = CT
        meta.MediaStorageSOPInstanceUID = generate_uid(entropy_srcs=[name, str(seed), str(i)])
        meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds = FileDataset(None, {}, file_meta=meta, preamble=b"\0" * 128)
        ds.is_little_endian, ds.is_implicit_VR = True, False
        ds.SOPClassUID, ds.SOPInstanceUID = CT, meta.MediaStorageSOPInstanceUID
        ds.Modality, ds.PatientName, ds.PatientID = "CT", "Layout^Test", "LAYOUT1"
        ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.FrameOfReferenceUID = study, series, frame
        ds.SeriesDescription = name
        ds.Rows = ds.Columns = size
        ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
        ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 1
        ds.RescaleIntercept, ds.RescaleSlope, ds.RescaleType = -1024, 1, "HU"
        ds.WindowCenter, ds.WindowWidth = 0, 600
        ds.InstanceNumber = i + 1
        ds.ImageOrientationPatient = [*row, *col]
        ds.ImagePositionPatient = [float(v) for v in origin]
        ds.PixelSpacing, ds.SliceThickness = [spacing, spacing], 1.0
        r, c = np.mgrid[0:size, 0:size]
        p = np.array(origin)[None, None, :] + (c[..., None] * row + r[..., None] * col) * spacing
        hu = 3 * p[..., 0] + 2 * p[..., 1] - 4 * p[..., 2] + 40 * ((r // 8 + c // 8) % 2)
        ds.PixelData = np.clip(hu + 1024, -2048, 32767).astype(np.int16).tobytes()
        ds.save_as(folder / f"{name}-{i:03d}.dcm", write_like_original=False)


def make_layout_data(work):
    study = generate_uid(entropy_srcs=["layout-study"])
    frame = generate_uid(entropy_srcs=["layout-frame"])
    a = Path(work) / "A"
    b = Path(work) / "B"
    c = Path(work) / "C"
    write_series(a, "A", study, frame, [(-64, -64, -2.5 * i) for i in range(30)], (1, 0, 0),
                 (0, 1, 0), 64, 2.0, 1)
    write_series(b, "B", study, frame, [(-60, -60, -73.75 + 1.25 * i) for i in range(60)], (1, 0, 0),
                 (0, 1, 0), 48, 2.5, 2)
    write_series(c, "C", study, frame, [(-40 + 2 * i, -64, 10) for i in range(40)], (0, 1, 0),
                 (0, 0, -1), 64, 2.0, 3)
    return a, b, c


def info_position(args, path):
    out = subprocess.run([args.dcmlens, "info", str(path), "--json"], check=True, capture_output=True,
                         text=True).stdout
    return np.array(json.loads(out)["geometry"]["image_position"], float)


def nearest_file(args, folder, z, cache):
    """The file of `folder` whose Image Position (Patient), as `dcmlens info` reads it, is nearest
    to height z (the series are axial: their normal is +z)."""
    if folder not in cache:
        cache[folder] = {p: info_position(args, p) for p in sorted(Path(folder).glob("*.dcm"))}
    return min(cache[folder], key=lambda p: abs(cache[folder][p][2] - z))


def turned_point(vp, sx, sy):
    """The image point under viewport point (sx, sy), computed here from the logged view: undo the
    rotation (clockwise quarter turns) and the mirror, then the zoom and pan. Independent of
    dcmlens' own code."""
    x, y, w, h = vp["viewport"]
    desc = vp["orientation"]
    turns = 0 if "rotate" not in desc else int(desc.split("rotate ")[1]) // 90
    mirror = "flip h" in desc
    lx, ly = sx - x, sy - y
    if turns == 1:
        u, v = ly, w - lx
    elif turns == 2:
        u, v = w - lx, h - ly
    elif turns == 3:
        u, v = h - ly, lx
    else:
        u, v = lx, ly
    vw, vh = (h, w) if turns % 2 else (w, h)
    if mirror:
        u = vw - u
    z = vp["zoom"]
    aspect = vp["pixel_aspect"]
    cols, rows = vp["image_size"]
    pu, pv = vp["pan"]
    # The pan is in screen pixels; in the view frame it turns with the image.
    if turns == 1:
        pu, pv = pv, -pu
    elif turns == 2:
        pu, pv = -pu, -pv
    elif turns == 3:
        pu, pv = -pv, pu
    if mirror:
        pu = -pu
    off_u = vw / 2 + pu - cols * z / 2
    off_v = vh / 2 + pv - rows * aspect * z / 2
    return (u - off_u) / z, (v - off_v) / (z * aspect)


def cli_turn(desc):
    """The orientation the state log names, as render's --flip/--rotate."""
    extra = []
    if "flip h" in desc:
        extra += ["--flip", "h"]
    if "rotate" in desc:
        extra += ["--rotate", desc.split("rotate ")[1]]
    return extra


def test_layout(args, work):
    a, b, c = make_layout_data(work)
    positions = {}
    v = Viewer(args, a, b, c, extra=["--layout", "2x2"])
    try:
        s = v.wait(lambda s: all(s["viewports"][k]["all_resident"] for k in range(3)), "three series")
        check("--layout 2x2 A B C: one input per viewport in reading order, the fourth empty",
              s["layout"] == "2x2" and [Path(s["viewports"][k]["file"]).parent.name for k in range(3)]
              == ["A", "B", "C"] and s["viewports"][3]["series"] == -1,
              str([vp["file"] for vp in s["viewports"]]))
        check("linked scrolling is on for a layout of several viewports", s["links"]["scroll"])

        # A series dragged from the Series tab onto the empty fourth viewport shows there.
        v.click_widget("tab Series")
        s = v.wait(lambda s: s["panel"] == "Series" and "thumbnail 3" in s["widgets"], "the Series tab")
        tx, ty = v.widget("thumbnail 3")
        dx, dy, dw, dh = v.viewport(3)
        xdo("mousemove", tx, ty)
        time.sleep(0.1)
        xdo("mousedown", 1)
        for k in range(1, 11):
            xdo("mousemove", tx + (dx + dw // 2 - tx) * k // 10, ty + (dy + dh // 2 - ty) * k // 10)
            time.sleep(0.05)
        xdo("mouseup", 1)
        s = v.wait(lambda s: s["viewports"][3]["series"] != -1, "the dropped series")
        check("a thumbnail dragged onto a viewport shows its series there",
              Path(s["viewports"][3]["file"]).parent.name == "C", s["viewports"][3]["file"])
        v.click_widget("tab Window")
        ax, ay, aw, ah = v.viewport(0)
        xdo("mousemove", ax + aw // 2, ay + ah // 2)
        xdo("click", 1)  # A active again (a click without a drag changes nothing)
        s = v.wait(lambda s: s["active"] == 0 and s["panel"] == "Window", "A active")

        # Scroll A: B follows to its slice nearest to A's position (reversed order, other spacing).
        xdo("mousemove", *v.at(0.5, 0.5))  # viewport 1 (A) is the active one
        for _ in range(5):
            xdo("click", 5)
        s = v.wait(lambda s: s["viewports"][0]["frame"] == 5, "A at its sixth slice")
        s = v.settle()
        z_a = info_position(args, s["viewports"][0]["file"])[2]
        want = nearest_file(args, b, z_a, positions)
        got = Path(s["viewports"][1]["file"])
        check("scrolling A moves B to the slice whose position `dcmlens info` says is nearest",
              got == want, f"A at z {z_a}: B shows {got.name}, nearest is {want.name}")

        # The reference line: where A's axial slice (z = z_a) cuts the sagittal C. C's row r
        # has its centre at z = 10 - 2 r, so z_a is at image y = (10 - z_a) / 2 + 0.5.
        vp = s["viewports"][2]
        line = vp.get("reference_line")
        cx, cy, cw, ch = vp["viewport"]
        cols, rows = vp["image_size"]
        zoom = vp["zoom"]
        top = cy + ch / 2 + vp["pan"][1] - rows * zoom / 2
        want_y = top + ((10 - z_a) / 2 + 0.5) * zoom
        check("the reference line of A's slice on the sagittal C is at the row of A's height",
              line is not None and abs(line[1] - want_y) < 0.5 and abs(line[3] - want_y) < 0.5,
              f"line {line}, expected y {want_y:.2f}")
        img = screen()
        row = img[int(round(want_y)) - 1:int(round(want_y)) + 1, int(cx) + 10:int(cx + cw) - 10]
        yellow = ((row[..., 0] > 200) & (row[..., 1] > 150) & (row[..., 2] < 120)).any(axis=0)
        check("the reference line is drawn on the screen there", yellow.mean() > 0.5,
              f"{yellow.mean():.2f} of the row's columns")
        check("no reference line on A itself (the active viewport)",
              "reference_line" not in s["viewports"][0])

        # Shift+wheel moves A alone and sets the pair's offset; plain scrolling keeps it.
        xdo("keydown", "shift")
        xdo("click", 5)
        xdo("keyup", "shift")
        s = v.wait(lambda s: s["viewports"][0]["frame"] == 6, "A alone at its seventh slice")
        s = v.settle()
        check("Shift+wheel moves this viewport alone", Path(s["viewports"][1]["file"]) == want,
              s["viewports"][1]["file"])
        z_b = info_position(args, s["viewports"][1]["file"])[2]
        z_a6 = info_position(args, s["viewports"][0]["file"])[2]
        xdo("click", 5)
        s = v.wait(lambda s: s["viewports"][0]["frame"] == 7, "A at its eighth slice")
        s = v.settle()
        z_a7 = info_position(args, s["viewports"][0]["file"])[2]
        want = nearest_file(args, b, z_a7 + (z_b - z_a6), positions)
        check("scrolling again keeps the offset set with Shift (sync with offset)",
              Path(s["viewports"][1]["file"]) == want,
              f"B shows {Path(s['viewports'][1]['file']).name}, want {want.name}")

        # Only the viewport whose content changed is drawn again.
        before = [vp["draws"] for vp in s["viewports"]]
        x0, y0 = v.at(0.5, 0.5)
        xdo("mousemove", x0, y0)
        xdo("mousedown", 1)
        for k in range(1, 6):
            xdo("mousemove", x0 + 8 * k, y0 + 4 * k)
            time.sleep(0.03)
        xdo("mouseup", 1)
        s = v.wait(lambda s: s["viewports"][0]["width"] != 600, "the window drag in A")
        s = v.settle()
        after = [vp["draws"] for vp in s["viewports"]]
        check("a window/level drag in A redraws A only (B and C keep their frames)",
              after[0] > before[0] and after[1:] == before[1:], f"draws {before} -> {after}")

        # Turn B (flip, then rotate) and C (rotate left); annotations off: every viewport then
        # equals `dcmlens render` of its view, pixel for pixel.
        bx, by, bw, bh = v.viewport(1)
        xdo("mousemove", bx + bw // 2, by + bh // 2)
        xdo("click", 1)  # activates B (a click without a drag changes nothing)
        v.wait(lambda s: s["active"] == 1, "B active")
        xdo("key", "h")
        xdo("key", "bracketright")
        v.wait(lambda s: s["viewports"][1]["orientation"] == "flip h, rotate 90", "B turned")
        cx, cy, cw, ch = v.viewport(2)
        xdo("mousemove", cx + cw // 2, cy + ch // 2)
        xdo("click", 1)
        v.wait(lambda s: s["active"] == 2, "C active")
        xdo("key", "bracketleft")
        v.wait(lambda s: s["viewports"][2]["orientation"] == "rotate 270", "C turned")
        xdo("key", "a")
        s = v.wait(lambda s: not s["annotations"], "annotations off")
        s = v.settle()
        img = screen()
        for k in range(3):
            vp = s["viewports"][k]
            x, y, w, h = map(int, vp["viewport"])
            out = v.work / f"view{k}.png"
            subprocess.run([args.dcmlens, "render", vp["file"], "-o", str(out), "--size", f"{w}x{h}",
                            f"--window={vp['center']!r},{vp['width']!r}", *cli_turn(vp["orientation"])],
                           check=True, capture_output=True)
            ref = np.asarray(Image.open(out).convert("RGB")).astype(np.int16)
            inner = (slice(int(h * 0.2), int(h * 0.8)), slice(int(w * 0.2), int(w * 0.8)))
            shown = img[y:y + h, x:x + w][inner]
            diff = np.abs(shown - ref[inner]).max() if shown.shape == ref[inner].shape else 999
            check(f"viewport {k + 1} ({vp['orientation']}) equals `dcmlens render` of its view",
                  diff == 0, f"max diff {diff}")

        # The probe under B's flip and rotation names the file's pixel.
        vp = s["viewports"][1]
        x, y, w, h = vp["viewport"]
        for fx, fy in [(0.35, 0.4), (0.62, 0.55)]:
            sx, sy = int(x + w * fx), int(y + h * fy)
            ix, iy = turned_point(vp, sx + 0.5, sy + 0.5)
            want = (int(np.floor(ix)), int(np.floor(iy)))
            xdo("mousemove", sx, sy)
            s = v.wait(lambda s: s.get("probe") and s["probe"]["viewport"] == 1 and
                       (s["probe"]["x"], s["probe"]["y"]) == want, f"the probe at {want}", timeout=5)
            cli = json.loads(subprocess.run(
                [args.dcmlens, "probe", vp["file"], "--pixel", f"{want[0]},{want[1]}", "--json"],
                check=True, capture_output=True, text=True).stdout)
            check(f"the probe under flip and rotation shows the file's pixel {want} and its stored value",
                  s["probe"]["stored"] == cli["stored"], f"viewer {s['probe']}, CLI {cli['stored']}")
    finally:
        v.close()


def test_open_placement(args, work):
    """A series opened while others are shown goes to the next empty viewport, then replaces the
    active one; Ctrl+O after a failed first open works."""
    a, b, c = (Path(work) / n for n in "ABC")
    if not a.exists():
        make_layout_data(work)
    bad = Path(work) / "not-dicom.txt"  # a path that exists (else: a usage error) but opens nothing
    bad.write_text("a text file, not DICOM\n")
    v = Viewer(args, bad, extra=["--layout", "1x2"])
    try:
        s = v.wait(lambda s: s["errors"] >= 1, "the failed open")
        check("a file that is not DICOM is a message, the window stays",
              "not-dicom.txt" in s["last_error"], s["last_error"])
        xdo("mousemove", *v.at(0.5, 0.5))
        hold("ctrl", "o")
        s = v.wait(lambda s: s["browser"] != "", "the open dialog after the failed open")
        check("Ctrl+O after a failed first open opens the dialog", s["browser"] != "")
        for folder, want_viewport in ((a, 0), (b, 1), (c, 1)):
            if v.state["browser"] == "":
                xdo("mousemove", *v.at(0.5, 0.5))
                hold("ctrl", "o")
                v.wait(lambda s: s["browser"] != "", "the open dialog")
            hold("ctrl", "a")
            xdo("type", "--delay", "5", str(folder))
            hold("Return")  # Enter on a folder lists it,
            time.sleep(0.3)
            hold("Return")  # Enter again opens it
            s = v.wait(lambda s, f=folder: any(Path(vp["file"]).parent == f for vp in s["viewports"]),
                       f"{folder.name} shown", timeout=20)
            where = [k for k, vp in enumerate(s["viewports"]) if Path(vp["file"]).parent == folder]
            check(f"{folder.name} goes to viewport {want_viewport + 1}", where == [want_viewport],
                  f"shown in {where}")
    finally:
        v.close()


def test_large_folder(args, work):
    """A folder of 3000 small files opens off the UI thread: frames are drawn while its headers
    are read (the state log records the scan's progress several times)."""
    folder = Path(work) / "many"
    folder.mkdir()
    frame = generate_uid(entropy_srcs=["many-frame"])
    study = generate_uid(entropy_srcs=["many-study"])
    series = generate_uid(entropy_srcs=["many-series"])
    base = None
    for i in range(3000):
        if base is None:
            meta = FileMetaDataset()
            meta.MediaStorageSOPClassUID = CT
            meta.TransferSyntaxUID = ExplicitVRLittleEndian
            base = FileDataset(None, {}, file_meta=meta, preamble=b"\0" * 128)
            base.is_little_endian, base.is_implicit_VR = True, False
            base.SOPClassUID, base.Modality = CT, "CT"
            base.StudyInstanceUID, base.SeriesInstanceUID, base.FrameOfReferenceUID = study, series, frame
            base.Rows = base.Columns = 8
            base.SamplesPerPixel, base.PhotometricInterpretation = 1, "MONOCHROME2"
            base.BitsAllocated, base.BitsStored, base.HighBit, base.PixelRepresentation = 16, 12, 11, 0
            base.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
            base.PixelSpacing = [1, 1]
        uid = f"1.2.826.0.1.3680043.10.1234.{i + 1}"
        base.file_meta.MediaStorageSOPInstanceUID = uid
        base.SOPInstanceUID = uid
        base.InstanceNumber = i + 1
        base.ImagePositionPatient = [0, 0, -i]
        base.PixelData = (np.arange(64, dtype=np.uint16) * 16 + i % 7).tobytes()
        base.save_as(folder / f"f{i:04d}.dcm", write_like_original=False)
    v = Viewer(args, folder)
    try:
        s = v.wait(lambda s: s["stacks"] >= 1 and s["all_resident"], "the 3000 files", timeout=120)
        opening = [st for st in v.states() if st.get("opening")]
        # A scan on the UI thread logs at most one frame while opening; two frames with two
        # different progress counts show frames drawn mid-scan. More is not asked: on a loaded
        # 2-core machine the scan threads take most of the time between frames.
        frames = {st["ui_frames"] for st in opening}
        progress = {tuple(st["open_progress"]) for st in opening if st.get("open_progress")}
        check("the window keeps drawing while 3000 headers are read (UI frames and progress "
              "logged as it goes)", len(frames) >= 2 and len(progress) >= 2,
              f"{len(frames)} UI frames, {len(progress)} progress states while opening")
        check("all 3000 files make one stack", s["frames"] == 3000, f"{s['frames']} frames")
    finally:
        v.close()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dcmlens", required=True)
    p.add_argument("--work")
    p.add_argument("--only", help="comma-separated names of the tests to run (default: all)")
    args = p.parse_args()
    work = tempfile.mkdtemp(prefix="dcmlens-e2e-viewports-")
    args.work = args.work or work
    tests = [("layout", lambda a: test_layout(a, work)),
             ("open_placement", lambda a: test_open_placement(a, work)),
             ("large_folder", lambda a: test_large_folder(a, work))]
    return run_tests(tests, args)

if __name__ == "__main__":
    sys.exit(main())
