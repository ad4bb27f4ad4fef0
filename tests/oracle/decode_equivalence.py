#!/usr/bin/python3
"""Every codec must decode MR_small to exactly the same stored values.

Usage:
    decode_equivalence.py --dcmlens BIN [--corpus DIR] [--work TMPDIR]

`dcmlens dump-stored FILE -o OUT.raw` (hidden developer subcommand) writes the
stored values of frame 1 -- (7FE0,0010) Pixel Data masked to (0028,0101) Bits
Stored and sign-extended when (0028,0103) Pixel Representation is 1 -- as
little-endian int32, Rows x Columns x Samples per Pixel values.

Checks:
  1. dcmlens' dump of MR_small.dcm equals pydicom's pixel_array, masked and
     sign-extended here (the reference itself is checked).
  2. The dumps of MR_small_jp2klossless (JPEG 2000 lossless), _jpeg_ls_lossless,
     _RLE, _bigendian, _implicit and of an HTJ2K lossless file made here are
     byte-identical to MR_small.dcm's dump.
The HTJ2K file: MR_small's stored values as raw little-endian samples, encoded
by `ojph_compress -reversible true -signed true -bit_depth 16` (signedness from
Pixel Representation), checked by decoding with `ojph_expand`, and wrapped as
encapsulated Pixel Data with Transfer Syntax 1.2.840.10008.1.2.4.201 (HTJ2K
Lossless Only).
  3. MR_small encoded here as JPEG lossless SV1 (dcmcjpeg +e1) decodes identically;
     image_dfl.dcm encoded as JPEG-LS near-lossless (dcmcjpls +en +md 2) within 2.
"""
import argparse
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pydicom
from pydicom._uid_dict import UID_dictionary
from pydicom.encaps import encapsulate

from harness import finish, work_folder

DEFAULT_CORPUS = "/usr/lib/python3/dist-packages/pydicom/data/test_files"
HTJ2K_LOSSLESS = "1.2.840.10008.1.2.4.201"
# pydicom 2.3 predates HTJ2K and refuses to write a transfer syntax it does not
# know (UID.is_compressed raises), so teach it this one.
UID_dictionary.setdefault(HTJ2K_LOSSLESS, (
    "High-Throughput JPEG 2000 Image Compression (Lossless Only)",
    "Transfer Syntax", "", "", "HTJ2KLossless"))
VARIANTS = ["MR_small_jp2klossless.dcm", "MR_small_jpeg_ls_lossless.dcm",
            "MR_small_RLE.dcm", "MR_small_bigendian.dcm", "MR_small_implicit.dcm"]


def stored_values(ds):
    """pydicom's pixel_array masked to Bits Stored below High Bit (0028,0102)
    and sign-extended for Pixel Representation 1 (PS3.5 8.1.1)."""
    bits = int(ds.BitsStored)
    shift = int(ds.HighBit) + 1 - bits
    a = (ds.pixel_array.astype(np.int64) >> shift) & ((1 << bits) - 1)
    if int(ds.PixelRepresentation) == 1:
        a = np.where(a >= 1 << (bits - 1), a - (1 << bits), a)
    return a


def make_htj2k(src, work):
    """Re-encode src (single frame, one sample) as HTJ2K lossless; return path."""
    ds = pydicom.dcmread(src)
    values = stored_values(ds)
    signed = int(ds.PixelRepresentation) == 1
    bits = int(ds.BitsStored)
    dtype = ("<i2" if signed else "<u2") if bits > 8 else ("i1" if signed else "u1")
    raw, j2c, back = work / "in.yuv", work / "out.j2c", work / "back.yuv"
    values.astype(dtype).tofile(raw)
    subprocess.run(["ojph_compress", "-i", str(raw), "-o", str(j2c),
                    "-reversible", "true", "-num_comps", "1",
                    "-dims", f"{{{ds.Columns},{ds.Rows}}}", "-downsamp", "{1,1}",
                    "-signed", "true" if signed else "false",
                    "-bit_depth", str(bits)], check=True, capture_output=True)
    subprocess.run(["ojph_expand", "-i", str(j2c), "-o", str(back)],
                   check=True, capture_output=True)
    if raw.read_bytes() != back.read_bytes():
        raise RuntimeError("ojph_compress output does not decode back losslessly")

    ds.PixelData = encapsulate([j2c.read_bytes()])
    ds["PixelData"].VR = "OB"
    ds["PixelData"].is_undefined_length = True
    ds.file_meta.TransferSyntaxUID = HTJ2K_LOSSLESS   # (0002,0010)
    ds.is_little_endian, ds.is_implicit_VR = True, False
    out = work / "MR_small_htj2k.dcm"
    ds.save_as(out, write_like_original=False)
    return out


def dump(dcmlens, path, work):
    """Run `dcmlens dump-stored`; return (bytes, error message or None)."""
    out = work / (Path(path).stem + ".raw")
    try:
        r = subprocess.run([dcmlens, "dump-stored", str(path), "-o", str(out)],
                           capture_output=True, text=True, errors="replace", timeout=60)
    except subprocess.TimeoutExpired:
        return None, "timed out"
    if r.returncode != 0 or not out.exists():
        return None, f"exit {r.returncode}: {r.stderr.strip()}"
    return out.read_bytes(), None


def compare(got, want):
    """Number of differing int32 values, or None when the sizes differ."""
    if len(got) != len(want):
        return None
    return int(np.count_nonzero(np.frombuffer(got, "<i4") != np.frombuffer(want, "<i4")))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dcmlens", required=True)
    p.add_argument("--corpus", default=DEFAULT_CORPUS)
    p.add_argument("--work", help="temp dir (default: a new mkdtemp)")
    args = p.parse_args()
    warnings.simplefilter("ignore")
    corpus = Path(args.corpus)
    work = work_folder(args.work, "decode")
    results = []

    def report(ok, name, detail):
        results.append(ok)
        print(f"{'PASS' if ok else 'FAIL'}  {name:34} {detail}")

    # 1. The reference: dcmlens' MR_small.dcm against pydicom.
    mr = corpus / "MR_small.dcm"
    want = stored_values(pydicom.dcmread(mr)).astype("<i4").tobytes()
    ref, err = dump(args.dcmlens, mr, work)
    n = compare(ref, want) if ref is not None else None
    report(n == 0, "MR_small.dcm vs pydicom",
           err or ("size differs" if n is None else f"{n} differing values"))
    ref = want if ref is None else ref   # still compare the variants below

    # 2. Every other encoding of the same pixels.
    files = [corpus / name for name in VARIANTS]
    try:
        files.append(make_htj2k(mr, work))
    except Exception as e:
        report(False, "MR_small_htj2k.dcm", f"cannot make the HTJ2K file: {e}")
    for path in files:
        got, err = dump(args.dcmlens, path, work)
        n = compare(got, ref) if got is not None else None
        report(n == 0, path.name,
               err or ("size differs" if n is None else f"{n} differing values"))

    # 3. Encodings made here with DCMTK's encoders: JPEG lossless (process 14, selection value 1)
    #    of MR_small must match exactly; JPEG-LS near-lossless (NEAR 2; DCMTK encodes only
    #    unsigned data that way) of the 8-bit image_dfl.dcm within 2 of every value.
    dfl = corpus / "image_dfl.dcm"
    dfl_ref, err = dump(args.dcmlens, dfl, work)
    for name, cmd, source, reference, limit in [
            ("MR_small_jpeg_lossless_sv1.dcm", ["dcmcjpeg", "+e1"], mr, ref, 0),
            ("image_jpeg_ls_near2.dcm", ["dcmcjpls", "+en", "+md", "2"], dfl, dfl_ref, 2)]:
        out = work / name
        r = subprocess.run([*cmd, str(source), str(out)], capture_output=True, text=True)
        if r.returncode != 0 or reference is None:
            report(False, name, f"cannot encode: {r.stderr.strip()}" if r.returncode else err)
            continue
        got, err = dump(args.dcmlens, out, work)
        if got is None or len(got) != len(reference):
            report(False, name, err or "size differs")
            continue
        d = np.abs(np.frombuffer(got, "<i4").astype(np.int64) - np.frombuffer(reference, "<i4"))
        report(int(d.max()) <= limit and (limit == 0 or int(d.max()) > 0), name,
               f"max |difference| {int(d.max())} (allowed {limit}; near-lossless must differ somewhere)")

    return finish(results, work, keep=bool(args.work))


if __name__ == "__main__":
    sys.exit(main())
