#!/usr/bin/python3
"""`dcmlens info --json` pixel_data against `dcmdump +P PixelData` on every encapsulated file.

usage: fragments.py --dcmlens BIN [--corpus DIR]

dcmdump lists the items of an encapsulated Pixel Data element (PS3.5 A.4): item 0 the Basic
Offset Table, then the fragments, each with its length. dcmlens must report the same offset table
size and the same fragment lengths, fragment offsets that step by 8 + length (each item's tag and
length), and fragments for every frame. `dcmlens export --fragment K` must write exactly the bytes
of item K that pydicom reads (first and last fragment of each file); a fragment that does not
exist, and a native file, give one error line.
"""
import argparse
import json
import re
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

import pydicom

DEFAULT_CORPUS = "/usr/lib/python3/dist-packages/pydicom/data/test_files"


def items_of(value):
    """The item values of an encapsulated Pixel Data value (PS3.5 A.4), offset table first."""
    out, pos = [], 0
    while pos + 8 <= len(value):
        group, element, length = struct.unpack_from("<HHI", value, pos)
        pos += 8
        if (group, element) == (0xFFFE, 0xE0DD):
            break
        out.append(value[pos:pos + length])
        pos += length
    return out


def export_problems(dcmlens, path, work):
    fragments = items_of(pydicom.dcmread(path).PixelData)[1:]
    problems = []
    for k in sorted({1, len(fragments)}):
        out = Path(work) / "fragment.bin"
        r = subprocess.run([dcmlens, "export", str(path), "--fragment", str(k), "-o", str(out)],
                           capture_output=True, text=True)
        if r.returncode != 0 or out.read_bytes() != fragments[k - 1]:
            problems.append(f"export --fragment {k} differs from pydicom's item ({r.stderr.strip()})")
    r = subprocess.run([dcmlens, "export", str(path), "--fragment", str(len(fragments) + 1), "-o",
                        str(Path(work) / "none.bin")], capture_output=True, text=True)
    if r.returncode == 0 or len(r.stderr.strip().splitlines()) != 1:
        problems.append("a fragment past the last one is not refused with one line")
    return problems


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dcmlens", required=True)
    p.add_argument("--corpus", default=DEFAULT_CORPUS)
    args = p.parse_args()
    work = tempfile.mkdtemp(prefix="dcmlens-fragments-")
    passed = failed = 0
    for path in sorted(Path(args.corpus).glob("*.dcm")):
        dump = subprocess.run(["dcmdump", "+P", "PixelData", str(path)], capture_output=True, text=True)
        if "PixelSequence" not in dump.stdout:
            continue
        items = [int(m.group(1)) for m in re.finditer(r"\(fffe,e000\) pi .*#\s*(\d+), 1 Item", dump.stdout)]
        r = subprocess.run([args.dcmlens, "info", str(path), "--json"], capture_output=True, text=True)
        if r.returncode != 0:
            print(f"SKIP  {path.name}: dcmlens cannot read it ({r.stderr.strip()}) -- covered by bad_input")
            continue
        info = json.loads(r.stdout)
        pd = info.get("pixel_data", {})
        problems = []
        if not pd.get("encapsulated"):
            problems.append("not reported as encapsulated")
        else:
            lengths = [f["length"] for f in pd["fragments"]]
            if len(pd["offset_table"]) * 4 != items[0]:
                problems.append(f"offset table {len(pd['offset_table'])} entries, dcmdump item 0 is {items[0]} bytes")
            if lengths != items[1:]:
                problems.append(f"fragment lengths {lengths[:4]} vs dcmdump {items[1:5]}")
            offsets = [f["offset"] for f in pd["fragments"]]
            want = [sum(8 + n for n in lengths[:k]) for k in range(len(lengths))]
            if offsets != want:
                problems.append("fragment offsets do not step by 8 + length")
            frames = max(1, int(info["frames"]))
            if len(pd["frames"]) != frames or any(f["fragments"] < 1 for f in pd["frames"]):
                problems.append(f"{len(pd['frames'])} frame ranges for {frames} frames")
            problems += export_problems(args.dcmlens, path, work)
        ok = not problems
        passed += ok
        failed += not ok
        print(("PASS  " if ok else "FAIL  ") + f"{path.name}: {len(items) - 1} fragments"
              + ("" if ok else "  (" + "; ".join(problems) + ")"))
    native = Path(args.corpus) / "CT_small.dcm"
    r = subprocess.run([args.dcmlens, "export", str(native), "--fragment", "1", "-o",
                        str(Path(work) / "native.bin")], capture_output=True, text=True)
    ok = r.returncode == 1 and "native" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    passed += ok
    failed += not ok
    print(("PASS  " if ok else "FAIL  ") + f"export --fragment of a native file is refused ({r.stderr.strip()})")
    print(f"{passed} passed, {failed} failed")
    return 0 if passed and not failed else 1


if __name__ == "__main__":
    sys.exit(main())
