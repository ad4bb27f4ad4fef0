#!/usr/bin/python3
"""`dcmlens probe` against pydicom, and against dcmlens' own render.

usage: probe.py --dcmlens BIN [--corpus DIR] [--synthetic DIR]

For CT_small, MR_small, an RGB file, a palette file (synthetic) and a multi-frame file, at several
pixels: `raw` equals pydicom's pixel_array word (Bits Allocated wide), `stored` the same word masked
to (0028,0101) Bits Stored at (0028,0102) High Bit and sign-extended for (0028,0103) = 1,
`modality` pydicom's apply_modality_lut; `output` equals the pixel of `dcmlens render --cpu` with
the same options (the probe and the renderer share their code), and `export --raw` re-reads as
the stored values.
"""
import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pydicom
from PIL import Image
from pydicom.pixel_data_handlers.util import apply_modality_lut

DEFAULT_CORPUS = "/usr/lib/python3/dist-packages/pydicom/data/test_files"
RESULTS = []


def check(label, ok, detail=""):
    RESULTS.append(bool(ok))
    print(("PASS  " if ok else "FAIL  ") + label + (f"  ({detail})" if detail else ""))


def words_and_stored(ds, frame):
    arr = ds.pixel_array
    if int(getattr(ds, "NumberOfFrames", 1) or 1) > 1:
        arr = arr[frame]
    bits_alloc, bits, high = int(ds.BitsAllocated), int(ds.BitsStored), int(ds.HighBit)
    words = arr.astype(np.int64) & ((1 << bits_alloc) - 1)  # the word as stored, unsigned
    stored = (words >> (high + 1 - bits)) & ((1 << bits) - 1)
    if int(ds.PixelRepresentation) == 1:
        stored = np.where(stored >= 1 << (bits - 1), stored - (1 << bits), stored)
    return arr, words, stored


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dcmlens", required=True)
    p.add_argument("--corpus", default=DEFAULT_CORPUS)
    p.add_argument("--synthetic", help="folder of make_synthetic.py's files (made if missing)")
    args = p.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dcmlens-probe-"))
    synthetic = Path(args.synthetic) if args.synthetic else work / "synthetic"
    if not synthetic.is_dir():
        subprocess.run([sys.executable, str(Path(__file__).parent / "make_synthetic.py"), str(synthetic)],
                       check=True, capture_output=True)
    corpus = Path(args.corpus)
    cases = [(corpus / "CT_small.dcm", 0, []), (corpus / "MR_small.dcm", 0, ["--window=600,800"]),
             (corpus / "SC_rgb_dcmtk_+eb+cr.dcm", 0, []), (synthetic / "palette_8bit.dcm", 0, []),
             (corpus / "rtdose.dcm", 4, ["--colormap", "hot"]), (synthetic / "mono1_u12.dcm", 0, []),
             (synthetic / "mono2_bits_stored_8_high_bit_11.dcm", 0, []),
             (synthetic / "modality_lut.dcm", 0, [])]
    for path, frame, opts in cases:
        ds = pydicom.dcmread(str(path))
        arr, words, stored = words_and_stored(ds, frame)
        colour = int(ds.SamplesPerPixel) == 3
        rows, cols = int(ds.Rows), int(ds.Columns)
        render = work / f"{path.stem}.png"
        subprocess.run([args.dcmlens, "render", str(path), "-o", str(render), "--cpu", "--frame", str(frame + 1),
                        *opts], check=True, capture_output=True)
        rendered = np.asarray(Image.open(render))
        bad = []
        for (x, y) in [(0, 0), (cols // 2, rows // 3), (cols - 1, rows - 1), (cols // 5, rows - 2)]:
            r = subprocess.run([args.dcmlens, "probe", str(path), "--pixel", f"{x},{y}", "--frame", str(frame + 1),
                                "--json", *opts], capture_output=True, text=True)
            if r.returncode != 0:
                bad.append(f"({x},{y}): {r.stderr.strip()}")
                continue
            got = json.loads(r.stdout)
            if colour:
                want_stored = [int(v) for v in stored[y, x]]
                if got["stored"] != want_stored or got["raw"] != [int(v) for v in words[y, x]]:
                    bad.append(f"({x},{y}) stored {got['stored']} want {want_stored}")
                if got["output"] != [int(v) for v in rendered[y, x]]:
                    bad.append(f"({x},{y}) output {got['output']} render {list(rendered[y, x])}")
                continue
            want_mod = apply_modality_lut(stored, ds) if "PALETTE" not in ds.PhotometricInterpretation else None
            if got["raw"] != int(words[y, x]) or got["stored"] != int(stored[y, x]):
                bad.append(f"({x},{y}) raw {got['raw']} stored {got['stored']} want {int(words[y, x])} "
                           f"{int(stored[y, x])}")
            if want_mod is not None and abs(got["modality"] - float(want_mod[y, x])) > 1e-9:
                bad.append(f"({x},{y}) modality {got['modality']} want {float(want_mod[y, x])}")
            if "ModalityLUTSequence" in ds:
                item = ds.ModalityLUTSequence[0]
                count, first = int(item.LUTDescriptor[0]) or 65536, int(item.LUTDescriptor[1])
                if first >= 32768 and int(ds.PixelRepresentation) == 1:
                    first -= 65536  # US descriptor holding a signed first value (PS3.3 C.11.1.1)
                want_entry = min(max(int(stored[y, x]) - first, 0), count - 1)
                if got.get("modality_lut_entry") != want_entry:
                    bad.append(f"({x},{y}) Modality LUT entry {got.get('modality_lut_entry')} want {want_entry}")
            pix = rendered[y, x]
            want_out = [int(v) for v in pix] if np.ndim(pix) else int(pix)
            out = got["output"] if "colormap_rgb" not in got or got["colormap"] == "gray" else got["colormap_rgb"]
            if out != want_out:
                bad.append(f"({x},{y}) output {out} render {want_out}")
        check(f"probe {path.name} frame {frame + 1}: raw, stored, modality as pydicom; output as the render",
              not bad, "; ".join(bad[:3]))

        wide = int(ds.BitsStored) > 16
        exported = work / (f"{path.stem}.stored" + (".raw" if wide else ".png"))
        r = subprocess.run([args.dcmlens, "export", str(path), "--raw", "-o", str(exported), "--frame",
                            str(frame + 1)], capture_output=True, text=True)
        if r.returncode != 0:
            check(f"export --raw {path.name}", False, r.stderr.strip())
            continue
        if wide:
            back = np.fromfile(exported, "<i4").astype(np.int64).reshape(stored.shape)
        else:
            img = Image.open(exported)
            back = np.asarray(img).astype(np.int64)
            if img.info.get("dcmlens-signed") == "1":
                back = np.where(back >= 32768, back - 65536, back)
        check(f"export --raw {path.name} re-reads as the stored values",
              back.shape == stored.shape and np.array_equal(back, stored),
              f"shape {back.shape} vs {stored.shape}")
    passed = sum(RESULTS)
    print(f"{passed} passed, {len(RESULTS) - passed} failed")
    return 0 if RESULTS and all(RESULTS) else 1


if __name__ == "__main__":
    sys.exit(main())
