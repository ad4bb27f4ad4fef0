"""What the end-to-end tests share: the real viewer under Xvfb driven by xdotool, its state log,
screenshots, and `dcmlens render` references."""
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

DEFAULT_CORPUS = "/usr/lib/python3/dist-packages/pydicom/data/test_files"
HERE = Path(__file__).resolve().parent
RESULTS = []


def check(label, ok, detail=""):
    RESULTS.append(bool(ok))
    print(("PASS  " if ok else "FAIL  ") + label + (f"  ({detail})" if detail else ""), flush=True)


def xdo(*args):
    subprocess.run(["xdotool", *map(str, args)], check=True)


def hold(*keys):
    """Presses keys together, holds them over a few frames, releases them."""
    for k in keys:
        xdo("keydown", k)
    time.sleep(0.15)
    for k in reversed(keys):
        xdo("keyup", k)


def screen():
    png = subprocess.run(["import", "-window", "root", "png:-"], check=True, capture_output=True).stdout
    tmp = Path(tempfile.mkstemp(suffix=".png")[1])
    tmp.write_bytes(png)
    img = np.asarray(Image.open(tmp).convert("RGB")).astype(np.int16)
    tmp.unlink()
    return img


class Viewer:
    """One dcmlens window and its state log."""

    def __init__(self, args, *paths, extra=(), size="1280x800", config=None, env=None):
        """`size`: --window-size (None: the remembered one); `config`: a config folder to share
        between runs (default: one of this viewer's own)."""
        self.work = Path(tempfile.mkdtemp(prefix="dcmlens-e2e-", dir=args.work))
        self.log = self.work / "state.log"
        self.config = Path(config) if config else self.work / "config"
        sizing = ["--window-size", size] if size else []
        self.proc = subprocess.Popen(
            [args.dcmlens, *map(str, paths), "--state-log", str(self.log), "--config-dir",
             str(self.config), *sizing, *extra], cwd=self.work,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        self.state = self.wait(lambda s: s["viewport"][3] > 100, "the window to show")
        # Checks compute expected values from the logged viewport: wait until the log stops
        # growing (the first frames; a fixed sleep was too short on a loaded machine).
        self.settle()

    def last(self):
        lines = self.log.read_text().splitlines() if self.log.exists() else []
        return json.loads(lines[-1]) if lines else None

    def wait(self, predicate, what, timeout=20):
        end = time.time() + timeout
        while time.time() < end:
            if self.proc.poll() is not None:
                raise RuntimeError(f"dcmlens exited ({self.proc.returncode}) while waiting for {what}: "
                                   + self.proc.stderr.read().decode(errors="replace"))
            s = self.last()
            if s is not None and predicate(s):
                self.state = s
                return s
            time.sleep(0.05)
        raise RuntimeError(f"timed out waiting for {what}; last state {self.last()}")

    def settle(self):
        """Waits until the state log stops growing, then a little for the screen."""
        n = -1
        for _ in range(100):
            m = len(self.log.read_text().splitlines())
            if m == n:
                break
            n = m
            time.sleep(0.1)
        time.sleep(0.25)
        self.state = self.last()
        return self.state

    def states(self):
        """Every logged state so far."""
        return [json.loads(line) for line in self.log.read_text().splitlines()]

    def first(self, predicate):
        """The first logged state that satisfies predicate (None if none yet)."""
        for line in self.log.read_text().splitlines():
            s = json.loads(line)
            if predicate(s):
                return s
        return None

    def viewport(self, k=None):
        """The active viewport's rectangle on the screen (or viewport k's)."""
        x, y, w, h = self.state["viewport"] if k is None else self.state["viewports"][k]["viewport"]
        return int(x), int(y), int(w), int(h)

    def vp(self, k):
        return self.state["viewports"][k]

    def crop(self, img, inset=0.25):
        """The central part of the viewport, away from the corner annotations."""
        x, y, w, h = self.viewport()
        return img[y + int(h * inset): y + int(h * (1 - inset)), x + int(w * inset): x + int(w * (1 - inset))]

    def at(self, fx, fy):
        """Screen point at a fraction of the viewport."""
        x, y, w, h = self.viewport()
        return int(x + w * fx), int(y + h * fy)

    def image_point(self, ix, iy):
        """Screen point of the centre of image pixel (ix, iy), from the logged view."""
        x, y, w, h = self.viewport()
        z = self.state["zoom"]
        cols, rows = self.state["image_size"]
        aspect = self.state["pixel_aspect"]
        px, py = self.state["pan"]
        ox = w / 2 + px - cols * z / 2
        oy = h / 2 + py - rows * aspect * z / 2
        return int(x + ox + (ix + 0.5) * z), int(y + oy + (iy + 0.5) * z * aspect)

    def widget(self, name):
        """Screen centre of a control the viewer logged (tabs, tools, buttons)."""
        x, y = self.state["widgets"][name]
        return int(x), int(y)

    def click_widget(self, name):
        xdo("mousemove", *self.widget(name))
        time.sleep(0.1)
        xdo("click", 1)

    def close(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.work, ignore_errors=True)


def render_reference(args, path, frame, w, h, work, center, width):
    out = Path(work) / f"ref_{Path(path).name}_{frame}.png"
    subprocess.run([args.dcmlens, "render", str(path), "-o", str(out), "--frame", str(frame + 1),
                    "--size", f"{w}x{h}", f"--window={center},{width}"], check=True, capture_output=True)
    return np.asarray(Image.open(out).convert("RGB")).astype(np.int16)




def run_tests(tests, args):
    """Runs the named tests (args.only: a comma-separated subset) under the X display, each in a
    try so that a hang or crash is one failure, and prints CTest's closing line."""
    import os
    if not os.environ.get("DISPLAY"):
        print("no DISPLAY: run under xvfb-run")
        print("0 passed, 1 failed")
        return 1
    chosen = [(n, t) for n, t in tests if not args.only or n in args.only.split(",")]
    if not chosen:
        print(f"--only {args.only}: no such test (tests: {', '.join(n for n, _ in tests)})")
        return 1
    for name, test in chosen:
        try:
            test(args)
        except Exception as e:  # a hang or a crash is a failure, reported, not a stop
            check(name, False, f"{type(e).__name__}: {e}")
    passed = sum(RESULTS)
    print(f"{passed} passed, {len(RESULTS) - passed} failed")
    return 0 if RESULTS and all(RESULTS) else 1
