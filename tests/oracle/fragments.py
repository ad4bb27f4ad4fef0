#!/usr/bin/python3
"""`dcmlens info --json` pixel_data against `dcmdump +P PixelData` on every encapsulated file.

usage: fragments.py --dcmlens BIN [--corpus DIR]

dcmdump lists the items of an encapsulated Pixel Data element (PS3.5 A.4): item 0 the Basic
Offset Table, then the fragments, each with its length. dcmlens must report the same offset table
size and the same fragment lengths, fragment offsets that step by 8 + length (each item's tag and
length), and fragments for every frame.
"""
import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

DEFAULT_CORPUS = "/usr/lib/python3/dist-packages/pydicom/data/test_files"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dcmlens", required=True)
    p.add_argument("--corpus", default=DEFAULT_CORPUS)
    args = p.parse_args()
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
        ok = not problems
        passed += ok
        failed += not ok
        print(("PASS  " if ok else "FAIL  ") + f"{path.name}: {len(items) - 1} fragments"
              + ("" if ok else "  (" + "; ".join(problems) + ")"))
    print(f"{passed} passed, {failed} failed")
    return 0 if passed and not failed else 1


if __name__ == "__main__":
    sys.exit(main())
