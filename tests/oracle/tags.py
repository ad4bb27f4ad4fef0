#!/usr/bin/python3
"""`dcmlens info --tags` against DCMTK's dcmdump for binary values and pixel data.

usage: tags.py --dcmlens BIN [--corpus DIR]

For every top-level corpus file both read:
1. The elements with a binary VR (OB, OW, OF, OD, OL, OV, UN), at any depth and in file order,
   have the same tag, VR and length as in dcmdump (undefined lengths "u/l" in both), and so do
   the items of encapsulated pixel data (dcmdump's "pi" items: the Basic Offset Table, then the
   fragments).
2. Pixel Data (7FE0,0010) never shows its first bytes: native data reads "(pixel data, N bytes)",
   encapsulated data "(encapsulated pixel data, K fragments)" with K the fragments dcmdump lists.
3. Binary values of at most 16 bytes show the value dcmdump shows ("00\\01"); longer ones
   "(N bytes)"; Overlay Data and Waveform Data read like pixel data ("(waveform data, N bytes)").
"""
import argparse
import re
import subprocess
import sys
from pathlib import Path

DEFAULT_CORPUS = "/usr/lib/python3/dist-packages/pydicom/data/test_files"
BINARY = {"OB", "OW", "OF", "OD", "OL", "OV", "UN"}
RESULTS = []

# dcmdump: "(7fe0,0010) OW 00af\00b4...   # 32768, 1 PixelData"; dcmlens: "... # 32768, PixelData".
DCMDUMP_LINE = re.compile(r"^\s*\(([0-9a-f]{4}),([0-9a-f]{4})\) (\w\w) (.*?)\s*#\s*(\d+|u/l), ")
DCMLENS_LINE = re.compile(r"^\s*\(([0-9a-f]{4}),([0-9a-f]{4})\) (\S+) (.*)  # (\d+|u/l), ")


def check(label, ok, detail=""):
    RESULTS.append(bool(ok))
    print(("PASS  " if ok else "FAIL  ") + label + (f"  ({detail})" if detail else ""))


def binaries(lines, pattern, item_vr):
    """[(tag, vr, length, value)] of binary elements and pixel items, in order."""
    out = []
    for line in lines:
        m = pattern.match(line)
        if not m:
            continue
        group, element, vr, value, length = m.groups()
        if vr in BINARY or (group, element) == ("7fe0", "0010") or \
                ((group, element) == ("fffe", "e000") and vr == item_vr):
            out.append((f"({group},{element})", vr if vr != item_vr else "item", length, value))
    return out


def bulk_name(tag):
    """Overlay Data (60xx,3000) and Waveform Data (5400,1010) are summarised like pixel data."""
    group, element = int(tag[1:5], 16), int(tag[6:10], 16)
    if group & 0xFF01 == 0x6000 and element == 0x3000:
        return "overlay data"
    return "waveform data" if (group, element) == (0x5400, 0x1010) else None


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dcmlens", required=True)
    p.add_argument("--corpus", default=DEFAULT_CORPUS)
    args = p.parse_args()
    files = sorted(Path(args.corpus).glob("*.dcm"))
    compared = short_values = pixel_files = 0
    for path in files:
        dump = subprocess.run(["dcmdump", "-q", str(path)], capture_output=True, text=True,
                              errors="replace")
        tags = subprocess.run([args.dcmlens, "info", str(path), "--tags"], capture_output=True,
                              text=True, errors="replace")
        if dump.returncode != 0 or tags.returncode != 0:
            continue  # unreadable files are bad_input.py's
        want = binaries(dump.stdout.splitlines(), DCMDUMP_LINE, "pi")
        got = binaries(tags.stdout.splitlines(), DCMLENS_LINE, "--")
        compared += 1
        same = [(t, v, n) for t, v, n, _ in want] == [(t, v, n) for t, v, n, _ in got]
        if not same:
            diff = next(((w, g) for w, g in zip(want, got) if w[:3] != g[:3]),
                        (len(want), len(got)))
            check(f"{path.name}: binary elements and pixel items as dcmdump (tag, VR, length)",
                  False, f"first difference dcmdump {diff[0]} dcmlens {diff[1]}")
            continue
        bad = []
        for (tag, vr, length, wv), (_, _, _, gv) in zip(want, got):
            if tag == "(7fe0,0010)":
                pixel_files += 1
                if length == "u/l":
                    fragments = sum(1 for t, v, _, _ in want if v == "item") - 1
                    expected = f"(encapsulated pixel data, {fragments} fragment" + \
                        ("" if fragments == 1 else "s") + ")"
                else:
                    expected = f"(pixel data, {length} bytes)"
                if gv != expected:
                    bad.append(f"Pixel Data reads {gv!r}, not {expected!r}")
            elif bulk_name(tag):
                if gv != f"({bulk_name(tag)}, {length} bytes)":
                    bad.append(f"{tag} reads {gv!r}")
            elif vr != "item" and length != "u/l" and 0 < int(length) <= 16:
                short_values += 1
                if gv != f"[{wv}]":
                    bad.append(f"{tag} {vr} reads {gv!r}, dcmdump {wv!r}")
            elif vr != "item" and length != "u/l" and int(length) > 16 and \
                    gv != f"({length} bytes)":
                bad.append(f"{tag} {vr} of {length} bytes reads {gv!r}")
        check(f"{path.name}: {len(got)} binary elements and pixel items as dcmdump", not bad,
              "; ".join(bad[:3]))
    check(f"compared {compared} files, {pixel_files} Pixel Data elements, {short_values} short "
          "binary values", compared > 50 and pixel_files > 40 and short_values > 50)
    passed = sum(RESULTS)
    print(f"{passed} passed, {len(RESULTS) - passed} failed")
    return 0 if RESULTS and all(RESULTS) else 1


if __name__ == "__main__":
    sys.exit(main())
