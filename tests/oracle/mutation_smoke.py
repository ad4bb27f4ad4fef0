#!/usr/bin/python3
"""Mutation smoke of the CLI: mutated corpus files through info, render --cpu, render, probe.

Usage:
    mutation_smoke.py --dcmlens BIN [--corpus DIR] [--synthetic DIR] [--count N]
                      [--seconds S] [--seed K] [--jobs J] [--work TMPDIR]

Each mutant is a corpus image (every codec: native little and big endian, RLE, JPEG baseline,
extended and lossless, JPEG-LS, JPEG 2000, enhanced multi-frame, palette and LUT files from
make_synthetic.py when --synthetic is given) with one or two of: byte flips, a smashed 16- or
32-bit element length (0, 1, odd, 0xFFFF, 0xFFFFFFFF, 0x7FFFFFFE, one more or less), a
truncation, an inserted chunk (random bytes or a copy of another part of the file), or a
structured change made with pydicom (Rows, Columns, Bits Allocated / Stored, High Bit, Samples
per Pixel, Photometric Interpretation, Planar Configuration, Pixel Representation, Number of
Frames, window centre and width, rescale slope and intercept, Pixel Spacing, Image Orientation,
Modality / VOI LUT and palette descriptors) to values a file should not have.

For each mutant `info FILE --json`, `render FILE -o OUT.png --cpu`, `render FILE -o OUT.png`
(GPU) and `probe FILE --pixel 0,0` must each exit 0 or 1 -- exit 1 with exactly one non-empty
line on stderr, which names the file; exit 0 with nothing on stderr -- within 20 s, without a
signal or a sanitizer report (the point of running it on the ASan + UBSan build; leak checking
stays on except for the GPU render, where Mesa leaks at unload), and the mutant's bytes must be
unchanged afterwards. Mutants are made from --seed and numbered, so a failure is reproduced with
the same seed; failing mutants are kept in the work folder. --seconds stops making new mutants
after that long (the CI bound); --count caps their number.
"""
import argparse
import hashlib
import io
import os
import random
import struct
import subprocess
import sys
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pydicom
from pydicom.dataset import Dataset
from pydicom.sequence import Sequence

from harness import finish, work_folder

DEFAULT_CORPUS = "/usr/lib/python3/dist-packages/pydicom/data/test_files"
TIMEOUT_S = 20
SOURCES = ["CT_small.dcm", "MR_small.dcm", "MR_small_bigendian.dcm", "MR_small_implicit.dcm",
           "MR_small_RLE.dcm", "MR_small_jpeg_ls_lossless.dcm", "MR_small_jp2klossless.dcm",
           "JPEG-lossy.dcm", "JPGExtended.dcm", "SC_rgb_rle.dcm", "SC_rgb_rle_16bit_2frame.dcm",
           "SC_rgb_jpeg_dcmtk.dcm", "SC_rgb_dcmtk_+eb+cy+s2.dcm", "SC_ybr_full_422_uncompressed.dcm",
           "SC_rgb_small_odd.dcm", "liver_1frame.dcm", "rtdose_rle.dcm", "rtdose_1frame.dcm",
           "693_J2KI.dcm", "image_dfl.dcm", "JPEG2000.dcm"]
SYNTHETIC = ["modality_lut.dcm", "voi_lut_12bit.dcm", "palette_8bit.dcm",
             "palette_16bit_first_mapped.dcm", "mono1_u12.dcm", "mono2_u8_multiframe.dcm",
             "rgb_planar.dcm", "ybr_full.dcm"]
SHORT_VRS = {b"AE", b"AS", b"AT", b"CS", b"DA", b"DS", b"DT", b"FL", b"FD", b"IS", b"LO", b"LT",
             b"PN", b"SH", b"SL", b"SS", b"ST", b"TM", b"UI", b"UL", b"US"}
LONG_VRS = {b"OB", b"OD", b"OF", b"OL", b"OW", b"SQ", b"UC", b"UN", b"UR", b"UT"}
SANITIZER_MARKS = ("AddressSanitizer", "LeakSanitizer", "UndefinedBehaviorSanitizer",
                   "runtime error:", "==ERROR")


def element_headers(data):
    """(offset of the length field, its size) of explicit-VR little-endian element headers."""
    out = []
    for i in range(132, len(data) - 12):
        vr = data[i + 4:i + 6]
        if vr in SHORT_VRS:
            out.append((i + 6, 2))
        elif vr in LONG_VRS and data[i + 6:i + 8] == b"\0\0":
            out.append((i + 8, 4))
    return out


def byte_flips(data, rng):
    d = bytearray(data)
    for _ in range(rng.randint(1, 16)):
        d[rng.randrange(len(d))] ^= 1 << rng.randrange(8)
    return bytes(d), "byte flips"


def smashed_length(data, rng):
    headers = element_headers(data)
    if not headers:
        return byte_flips(data, rng)
    at, size = rng.choice(headers)
    old = int.from_bytes(data[at:at + size], "little")
    value = rng.choice([0, 1, 3, 0xFFFF, 0xFFFFFFFF, 0x7FFFFFFE, old + 1, max(0, old - 1),
                        old * 2, rng.randrange(1 << (8 * size))]) & ((1 << (8 * size)) - 1)
    d = bytearray(data)
    d[at:at + size] = value.to_bytes(size, "little")
    return bytes(d), f"length at {at} {old} -> {value:#x}"


def truncated(data, rng):
    cut = rng.randrange(1, len(data))
    return data[:cut], f"truncated to {cut}"


def inserted(data, rng):
    at = rng.randrange(len(data))
    if rng.random() < 0.5:
        chunk = bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))
    else:
        a = rng.randrange(len(data))
        chunk = data[a:a + rng.randint(1, 512)]
    return data[:at] + chunk + data[at:], f"{len(chunk)} bytes inserted at {at}"


def lut_item(rng):
    item = Dataset()
    count = rng.choice([0, 1, 2, 256, 4096, 65535])
    item.LUTDescriptor = [count, rng.choice([0, 1, 32767, 65535]), rng.choice([0, 1, 8, 16, 17, 33])]
    item.LUTData = [rng.randrange(65536) for _ in range(rng.choice([0, 1, 2, 128, 256]))] or [0]
    return item


def structured(data, rng):
    try:
        ds = pydicom.dcmread(io.BytesIO(data), force=True)
    except Exception:
        return byte_flips(data, rng)
    field = rng.choice(["Rows", "Columns", "BitsAllocated", "BitsStored", "HighBit",
                        "SamplesPerPixel", "PhotometricInterpretation", "PlanarConfiguration",
                        "PixelRepresentation", "NumberOfFrames", "WindowCenter", "WindowWidth",
                        "RescaleSlope", "RescaleIntercept", "PixelSpacing",
                        "ImageOrientationPatient", "ModalityLUTSequence", "VOILUTSequence",
                        "RedPaletteColorLookupTableDescriptor"])
    us = [0, 1, 2, 7, 8, 12, 15, 16, 17, 24, 31, 32, 33, 64, 255, 65535]
    choices = {
        "Rows": [0, 1, 2, 3, 1000, 4096, 65535],
        "Columns": [0, 1, 2, 3, 1000, 4096, 65535],
        "BitsAllocated": us, "BitsStored": us, "HighBit": us,
        "SamplesPerPixel": [0, 1, 2, 3, 4, 65535],
        "PhotometricInterpretation": ["MONOCHROME1", "MONOCHROME2", "RGB", "YBR_FULL",
                                      "YBR_FULL_422", "YBR_PARTIAL_420", "PALETTE COLOR",
                                      "HSV", "", "YBR_ICT", "CMYK"],
        "PlanarConfiguration": [0, 1, 2, 65535],
        "PixelRepresentation": [0, 1, 2, 65535],
        "NumberOfFrames": ["0", "-1", "1", "2", "3", "1000", "2147483647", "2147483648",
                           "99999999999", "1A", ""],
        "WindowCenter": ["0", "-1e308", "1e308", "NaN", "inf", "40\\40\\40", "", "-0"],
        "WindowWidth": ["0", "-1", "0.5", "1", "1e-300", "1e308", "NaN", "inf", "1\\2\\3\\4"],
        "RescaleSlope": ["0", "-1", "1e-300", "1e308", "NaN", "inf", "-0", ""],
        "RescaleIntercept": ["0", "-1e308", "1e308", "NaN", "-inf", "0.5"],
        "PixelSpacing": ["0\\0", "-1\\1", "NaN\\1", "1", "1\\2\\3", "1e308\\1e-308", "inf\\inf"],
        "ImageOrientationPatient": ["0\\0\\0\\0\\0\\0", "1\\0\\0", "NaN\\0\\0\\0\\1\\0",
                                    "1\\0\\0\\1\\0\\0", "1e308\\0\\0\\0\\1e308\\0"],
    }
    try:
        if field in ("ModalityLUTSequence", "VOILUTSequence"):
            setattr(ds, field, Sequence([lut_item(rng) for _ in range(rng.randint(1, 3))]))
            value = "random LUT items"
        elif field == "RedPaletteColorLookupTableDescriptor":
            ds.PhotometricInterpretation = "PALETTE COLOR"
            for c in ("Red", "Green", "Blue"):
                item = lut_item(rng)
                setattr(ds, f"{c}PaletteColorLookupTableDescriptor", item.LUTDescriptor)
                ds.add_new(f"{c}PaletteColorLookupTableData", "OW",
                           struct.pack(f"<{len(item.LUTData)}H", *item.LUTData))
            value = "random palette descriptors"
        else:
            value = rng.choice(choices[field])
            if field in ds:
                ds[field].value = value
            else:
                setattr(ds, field, value)
        out = io.BytesIO()
        ds.save_as(out, write_like_original=True)
        return out.getvalue(), f"{field} = {value!r}"
    except Exception:
        return byte_flips(data, rng)


def mutate(data, rng):
    kinds = [byte_flips, smashed_length, truncated, inserted]
    notes = []
    for _ in range(rng.choice([1, 1, 2])):
        if rng.random() < 0.35:
            data, note = structured(data, rng)
        else:
            data, note = rng.choice(kinds)(data, rng)
        notes.append(note)
    return data, "; ".join(notes)


def run(cmd, leaks):
    env = dict(os.environ)
    env["ASAN_OPTIONS"] = f"detect_leaks={1 if leaks else 0}:abort_on_error=0"
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, errors="replace",
                           timeout=TIMEOUT_S, env=env)
        return r.returncode, r.stderr
    except subprocess.TimeoutExpired:
        return None, ""


def check(rc, stderr, name):
    if rc is None:
        return f"hung (no exit within {TIMEOUT_S} s)"
    if any(mark in stderr for mark in SANITIZER_MARKS):
        line = next(l for l in stderr.splitlines() if any(m in l for m in SANITIZER_MARKS))
        return f"sanitizer report (exit {rc}): {line[:200]}"
    if rc < 0:
        return f"killed by signal {-rc}"
    if rc not in (0, 1):
        return f"exit {rc}: {stderr[-300:]!r}"
    if rc == 0:
        return f"exit 0 with stderr {stderr[:200]!r}" if stderr.strip() else None
    lines = stderr.removesuffix("\n").split("\n")
    if len(lines) != 1 or not lines[0].strip():
        return f"exit 1, stderr not one line: {stderr[:300]!r}"
    if name not in lines[0]:
        return f"exit 1, error line does not name the file: {lines[0]!r}"
    return None


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dcmlens", required=True)
    p.add_argument("--corpus", default=DEFAULT_CORPUS)
    p.add_argument("--synthetic")
    p.add_argument("--count", type=int, default=100000)
    p.add_argument("--seconds", type=float, default=1e9)
    p.add_argument("--seed", type=int, default=14)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--work")
    args = p.parse_args()
    warnings.simplefilter("ignore")
    pydicom.config.settings.writing_validation_mode = pydicom.config.IGNORE
    work = work_folder(args.work, "mutation")
    # The caches CTest points dcmlens at: Mesa says on stderr when its folder is missing.
    for variable in ("MESA_SHADER_CACHE_DIR", "DCMLENS_CACHE_DIR"):
        if os.environ.get(variable, "").startswith("/"):
            Path(os.environ[variable]).mkdir(parents=True, exist_ok=True)
    sources = [Path(args.corpus) / n for n in SOURCES if (Path(args.corpus) / n).exists()]
    if args.synthetic:
        sources += [Path(args.synthetic) / n for n in SYNTHETIC
                    if (Path(args.synthetic) / n).exists()]
    originals = {s: s.read_bytes() for s in sources}
    start = time.monotonic()
    results = []
    counts = {"mutants": 0, "runs": 0, "exit 0": 0, "exit 1": 0}

    def one(k):
        rng = random.Random(args.seed * 1_000_003 + k)
        source = rng.choice(sources)
        data, note = mutate(originals[source], rng)
        path = work / f"mutant_{k:05d}_{source.stem}.dcm"
        path.write_bytes(data)
        digest = hashlib.sha256(data).hexdigest()
        problems = []
        out = work / f"mutant_{k:05d}.png"
        for label, cmd, leaks in (
                ("info --json", [args.dcmlens, "info", str(path), "--json"], True),
                ("render --cpu", [args.dcmlens, "render", str(path), "-o", str(out), "--cpu"], True),
                ("render", [args.dcmlens, "render", str(path), "-o", str(out)], False),
                ("probe", [args.dcmlens, "probe", str(path), "--pixel", "0,0"], True)):
            rc, err = run(cmd, leaks)
            counts["runs"] += 1
            counts["exit 0" if rc == 0 else "exit 1"] += rc in (0, 1)
            bad = check(rc, err, path.name)
            if bad:
                problems.append(f"{label}: {bad}")
        if hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            problems.append("the mutant's bytes changed")
        out.unlink(missing_ok=True)
        if not problems:
            path.unlink()
        return k, source.name, note, problems

    k = 0
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        pending = set()
        while True:
            while (len(pending) < args.jobs * 2 and k < args.count and
                   time.monotonic() - start < args.seconds):
                pending.add(pool.submit(one, k))
                k += 1
            if not pending:
                break
            done = {f for f in pending if f.done()}
            if not done:
                time.sleep(0.02)
                continue
            for f in done:
                pending.remove(f)
                n, source, note, problems = f.result()
                counts["mutants"] += 1
                results.append(not problems)
                if problems:
                    print(f"FAIL  mutant {n} of {source} ({note}):")
                    for line in problems:
                        print(f"        {line}")
    for s, data in originals.items():
        if s.read_bytes() != data:
            results.append(False)
            print(f"FAIL  corpus file {s.name} changed")
    print(f"{counts['mutants']} mutants of {len(sources)} files, {counts['runs']} runs "
          f"({counts['exit 0']} exit 0, {counts['exit 1']} exit 1) in "
          f"{time.monotonic() - start:.0f} s, seed {args.seed}")
    return finish(results, work, args.work is not None)


if __name__ == "__main__":
    sys.exit(main())
