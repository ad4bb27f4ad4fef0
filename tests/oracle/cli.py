#!/usr/bin/python3
"""The command line's messages: usage errors, outputs, regions, non-DICOM files, units, dates.

usage: cli.py --dcmlens BIN [--corpus DIR] [--work DIR]

1. A first argument that is neither a command nor an existing path (nor a URL) is a usage error:
   exit 2, one line listing the commands (no window opens).
2. An output name must say what is written: `-o x.jpg` is a usage error naming the extensions and
   writes nothing; `.PNG` is a PNG.
3. A file that cannot be written says why: "no such folder DIR", "no space left on device".
4. `roi`: an empty rectangle or ellipse, one outside the image, a line leaving it: exit 1, one
   line; a rectangle partly outside is measured clipped, and text and JSON say so.
5. A text file and a file of zeros are "not a DICOM file" (exit 1, one line).
6. Units and dates: CT_small (no Rescale Type) is in HU, MR_small has no unit; `info` shows the
   study date as YYYY-MM-DD (the ACR-NEMA "1994.01.30" too); no "1 frames"-style count in any
   `info` of the corpus.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pydicom

from harness import finish, work_folder

DEFAULT_CORPUS = "/usr/lib/python3/dist-packages/pydicom/data/test_files"
COMMANDS = ["info", "render", "probe", "roi", "compare", "bench", "export", "dump-stored"]
RESULTS = []


def check(label, ok, detail=""):
    RESULTS.append(bool(ok))
    print(("PASS  " if ok else "FAIL  ") + label + (f"  ({detail})" if detail else ""))


def run(dcmlens, *args, cwd=None):
    env = dict(os.environ)
    env.pop("DISPLAY", None)  # a viewer that opened anyway fails at once instead of showing
    env.pop("WAYLAND_DISPLAY", None)
    r = subprocess.run([dcmlens, *map(str, args)], capture_output=True, text=True,
                       errors="replace", timeout=60, env=env, cwd=cwd)
    return r.returncode, r.stdout, r.stderr


def one_line(err):
    lines = err.removesuffix("\n").split("\n")
    return len(lines) == 1 and lines[0].startswith("dcmlens: ")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dcmlens", required=True)
    p.add_argument("--corpus", default=DEFAULT_CORPUS)
    p.add_argument("--work")
    args = p.parse_args()
    warnings.simplefilter("ignore")  # pydicom warns about the ACR-NEMA date written on purpose
    corpus = Path(args.corpus)
    work = work_folder(args.work, "cli")
    dcmlens = str(Path(args.dcmlens).resolve())
    ct, mr, j2k = corpus / "CT_small.dcm", corpus / "MR_small.dcm", corpus / "JPEG2000.dcm"

    # 1. Usage errors for a first argument that is nothing dcmlens knows.
    rc, _, err = run(dcmlens, "frobnicate", "x", cwd=work)
    check("`dcmlens frobnicate x`: exit 2, one line listing the commands",
          rc == 2 and one_line(err) and "frobnicate" in err and all(c in err for c in COMMANDS),
          f"{rc} {err!r}")
    rc, _, err = run(dcmlens, work / "missing.dcm")
    check("a missing file as the first argument: exit 2, one line naming it",
          rc == 2 and one_line(err) and "missing.dcm" in err and "no such file" in err,
          f"{rc} {err!r}")

    # 2. Output names.
    for cmd, name, extensions in (
            (["render", ct, "--cpu"], "x.jpg", [".png"]),
            (["export", ct, "--raw"], "x.jpg", [".png", ".raw"]),
            (["dump-stored", ct], "x.png", [".raw"]),
            (["compare", ct], "x.bmp", [".png"])):
        out = work / name
        rc, _, err = run(dcmlens, *cmd, "-o", out)
        check(f"{cmd[0]} -o {name}: usage error naming {' '.join(extensions)}, nothing written",
              rc == 2 and one_line(err) and all(e in err for e in extensions) and not out.exists(),
              f"{rc} {err!r}")
    upper = work / "upper.PNG"
    rc, _, err = run(dcmlens, "render", ct, "--cpu", "-o", upper)
    check("render -o upper.PNG writes a PNG",
          rc == 0 and upper.exists() and upper.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", err)

    # 3. Why a write failed.
    nodir = work / "nodir"
    for cmd in (["render", ct, "--cpu", "-o", nodir / "x.png"],
                ["export", j2k, "--fragment", "1", "-o", nodir / "x.j2k"],
                ["export", ct, "--raw", "-o", nodir / "x.raw"]):
        rc, _, err = run(dcmlens, *cmd)
        check(f"{cmd[0]} into a missing folder: exit 1, one line saying 'no such folder'",
              rc == 1 and one_line(err) and f"no such folder {nodir}" in err, f"{rc} {err!r}")
    if Path("/dev/full").exists():
        full = work / "full.png"
        full.symlink_to("/dev/full")
        rc, _, err = run(dcmlens, "render", ct, "--cpu", "-o", full)
        check("render onto a full disk: exit 1, 'no space left on device'",
              rc == 1 and one_line(err) and "no space left on device" in err, f"{rc} {err!r}")

    # 4. Regions.
    ds = pydicom.dcmread(ct)
    rows, cols = int(ds.Rows), int(ds.Columns)
    for shape in ("--rect 3,3,0,0", "--rect 3,3,5,-1", "--ellipse 3,3,0,4",
                  f"--rect {cols + 5},0,4,4", "--rect 0.1,0.1,0.2,0.2",
                  f"--line 0,0,{cols + 1},3"):
        rc, out, err = run(dcmlens, "roi", ct, *shape.split())
        check(f"roi {shape}: exit 1, one line naming the file, no statistics",
              rc == 1 and one_line(err) and ct.name in err and not out, f"{rc} {out!r} {err!r}")
    x, y = cols - 20, rows - 10
    rc, text, err = run(dcmlens, "roi", ct, "--rect", f"{x},{y},50,50")
    rc_json, js, _ = run(dcmlens, "roi", ct, "--rect", f"{x},{y},50,50", "--json")
    rc_in, inside, _ = run(dcmlens, "roi", ct, "--rect", f"{x},{y},20,10", "--json")
    got, want = (json.loads(js), json.loads(inside)) if rc_json == rc_in == 0 else ({}, {})
    check("roi partly outside: measured clipped, and text and JSON say so",
          rc == 0 and "clipped" in text and f"{x},{y},20,10" in text and got.get("clipped") is True
          and got.get("measured") == [x, y, 20, 10] and want.get("clipped") is False
          and all(got.get(k) == want.get(k) for k in ("count", "mean", "sd", "min", "max")),
          f"{text!r} {got} {want}")

    # 5. Not DICOM.
    text_file = work / "notes.dcm"
    text_file.write_text("This is a text file, not a DICOM file.\n")
    zeros = work / "zeros.dcm"
    zeros.write_bytes(bytes(4096))
    for path in (text_file, zeros):
        for cmd in (["info", path], ["render", path, "--cpu", "-o", work / "z.png"]):
            rc, _, err = run(dcmlens, *cmd)
            check(f"{cmd[0]} {path.name}: exit 1, 'not a DICOM file'",
                  rc == 1 and one_line(err) and f"{path}: not a DICOM file" in err,
                  f"{rc} {err!r}")

    # 6. Units, dates and counts.
    assert "RescaleType" not in ds and ds.Modality == "CT"
    for path, unit in ((ct, "HU"), (mr, "")):
        rc, out, err = run(dcmlens, "probe", path, "--pixel", "3,3", "--json")
        probe = json.loads(out) if rc == 0 else {}
        rc, out, _ = run(dcmlens, "roi", path, "--rect", "0,0,8,8", "--json")
        roi = json.loads(out) if rc == 0 else {}
        rc, text, _ = run(dcmlens, "probe", path, "--pixel", "3,3")
        modality_line = next((line for line in text.splitlines() if line.startswith("modality")), "")
        check(f"{path.name}: modality units {unit or 'none'} (probe, probe --json, roi --json)",
              probe.get("modality_units") == unit and roi.get("units") == unit
              and modality_line.endswith(f" {unit}" if unit else str(probe.get("modality"))),
              f"{probe.get('modality_units')!r} {roi.get('units')!r} {modality_line!r}")
    d, t = ds.StudyDate, ds.StudyTime
    want = f"study date:       {d[:4]}-{d[4:6]}-{d[6:8]} {t[:2]}:{t[2:4]}:{t[4:6]}"
    rc, text, _ = run(dcmlens, "info", ct)
    check("info shows the study date and time as YYYY-MM-DD HH:MM:SS", want in text.splitlines(),
          want)
    old = work / "acr_nema_date.dcm"
    ds.StudyDate = "1994.01.30"  # the ACR-NEMA form PS3.5 6.2 still mentions
    ds.StudyTime = "14:30:05"
    ds.save_as(old)
    rc, text, _ = run(dcmlens, "info", old)
    check("info shows an ACR-NEMA date 1994.01.30 as 1994-01-30",
          "study date:       1994-01-30 14:30:05" in text.splitlines(), text[:300])
    singular = re.compile(r"(^|[^\d.])1 (frames|samples|entries|fragments|bytes|items|files|problems)\b")
    wrong = []
    for path in sorted(corpus.glob("*.dcm")):
        rc, text, _ = run(dcmlens, "info", path)
        wrong += [f"{path.name}: {line.strip()}" for line in text.splitlines() if singular.search(line)]
    check("no '1 frames'-style count in info of the corpus", not wrong, "; ".join(wrong[:3]))

    return finish(RESULTS, work, keep=bool(args.work))


if __name__ == "__main__":
    sys.exit(main())
