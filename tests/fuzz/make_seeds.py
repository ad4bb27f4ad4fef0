#!/usr/bin/python3
"""Seed corpora for the fuzz targets, made at test time from pydicom's test files (not committed).

usage: make_seeds.py OUTDIR [--corpus DIR] [--synthetic DIR] [--max-size BYTES]

Writes OUTDIR/NAME/ for each target of tests/fuzz/CMakeLists.txt:
  dicom_file    every corpus (and synthetic, when given) DICOM file up to --max-size bytes,
                DICOMDIRs included
  dicomdir      the DICOMDIRs of the corpus' dicomdirtests
  lut           every Modality LUT, VOI LUT and palette table of those files, in fuzz_lut.cpp's
                input format (descriptor, flags, data), plus a segmented palette with an indirect
                segment
  jpeg_color    the first fragment of every JPEG-family encapsulated file
  program_file  files as render::programFileBytes writes them, for a few keys
  multipart     WADO-RS bodies (multipart/related) of one to three small corpus files
  qido          pydicom's DICOM JSON files and a QIDO-RS study answer
Deterministic: the same corpus gives the same seeds.
"""
import argparse
import struct
import sys
import warnings
from pathlib import Path

import pydicom
from pydicom.encaps import generate_pixel_data_frame

DEFAULT_CORPUS = "/usr/lib/python3/dist-packages/pydicom/data/test_files"
JPEG_SYNTAXES = {"1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.57",
                 "1.2.840.10008.1.2.4.70", "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81"}


def dicom_files(folder, max_size):
    for p in sorted(folder.rglob("*")):
        if p.is_file() and p.stat().st_size <= max_size and p.suffix not in (".txt", ".json",
                                                                            ".dump", ".gz"):
            yield p


def read(p):
    try:
        return pydicom.dcmread(str(p), force=True)
    except Exception:
        return None


def lut_input(descriptor, data, flags):
    count, first, bits = (int(v) & 0xFFFF for v in descriptor)
    if isinstance(data, (bytes, bytearray)):
        payload = bytes(data)
    else:
        payload = b"".join(struct.pack("<H", int(v) & 0xFFFF) for v in data)
    return struct.pack("<HHHB", count, first, bits, flags) + payload


def luts_of(ds):
    """(descriptor, data, flags) of every table in a dataset."""
    signed = ds.get("PixelRepresentation", 0) == 1
    for seq in ("ModalityLUTSequence", "VOILUTSequence"):
        for item in ds.get(seq, []):
            if "LUTDescriptor" in item and "LUTData" in item:
                raw = item["LUTData"].value
                yield item.LUTDescriptor, raw, 2 if signed else 0
    for colour in ("Red", "Green", "Blue"):
        d = ds.get(f"{colour}PaletteColorLookupTableDescriptor")
        if d is None:
            continue
        seg = ds.get(f"Segmented{colour}PaletteColorLookupTableData")
        plain = ds.get(f"{colour}PaletteColorLookupTableData")
        if seg is not None:
            yield d, seg, 1
        elif plain is not None:
            yield d, plain, 0


def program_file(key, fmt, binary):
    h = 14695981039346656037
    for b in binary:
        h = ((h ^ b) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    body = (b"dcmlens program binary 1\n" + struct.pack("<Q", len(key)) + key +
            struct.pack("<I", fmt) + struct.pack("<Q", len(binary)) + struct.pack("<Q", h) + binary)
    return bytes([len(key)]) + key + body


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out")
    p.add_argument("--corpus", default=DEFAULT_CORPUS)
    p.add_argument("--synthetic", help="make_synthetic.py's folder, when made")
    p.add_argument("--max-size", type=int, default=300_000)
    args = p.parse_args()
    warnings.simplefilter("ignore")
    out = Path(args.out)
    folders = {name: out / name for name in ("dicom_file", "dicomdir", "lut", "jpeg_color",
                                            "program_file", "multipart", "qido")}
    for f in folders.values():
        f.mkdir(parents=True, exist_ok=True)
    sources = [Path(args.corpus)] + ([Path(args.synthetic)] if args.synthetic else [])
    counts = dict.fromkeys(folders, 0)

    def put(target, name, data):
        (folders[target] / name).write_bytes(data)
        counts[target] += 1

    for source in sources:
        for path in dicom_files(source, args.max_size):
            label = f"{source.name}_{path.relative_to(source).as_posix().replace('/', '_')}"
            data = path.read_bytes()
            put("dicom_file", label, data)
            if "DICOMDIR" in path.name:
                put("dicomdir", label, data)
            ds = read(path)
            if ds is None:
                continue
            for k, (descriptor, table, flags) in enumerate(luts_of(ds)):
                try:
                    put("lut", f"{label}_{k}", lut_input(descriptor, table, flags))
                except Exception:
                    pass
            syntax = str(getattr(ds.file_meta, "TransferSyntaxUID", "")) if hasattr(ds, "file_meta") else ""
            if syntax in JPEG_SYNTAXES and "PixelData" in ds:
                try:
                    frame = next(generate_pixel_data_frame(ds.PixelData))
                    put("jpeg_color", label, bytes(frame))
                except Exception:
                    pass
    # Tables no corpus file has: a segmented palette (discrete, linear, indirect segments) and
    # 8-bit data packed two entries a word.
    segmented = [0, 4, 0, 100, 200, 255, 1, 250, 65535, 2, 1, 0, 0]
    put("lut", "segmented_indirect", lut_input((512, 0, 16), segmented, 1))
    put("lut", "packed_8bit", lut_input((256, 0, 8), list(range(0, 65536, 514))[:128], 0))
    for k, key in enumerate([b"", b"k", b"Mesa\nllvmpipe\n4.5\n4.50\n" + bytes(8) + b"void main(){}"]):
        put("program_file", f"file_{k}", program_file(key, 0x8741, bytes(range(64)) * (k + 1)))
    small = [p for p in sorted(Path(args.corpus).glob("*.dcm")) if p.stat().st_size <= 12_000][:6]
    for k in range(1, 4):
        body = b"".join(b"--frontier\r\nContent-Type: application/dicom\r\n\r\n" + p.read_bytes() +
                        b"\r\n" for p in small[:k]) + b"--frontier--\r\n"
        put("multipart", f"wado_{k}",
            b'multipart/related; type="application/dicom"; boundary=frontier\n' + bytes([k * 37])
            + body)
    for p in sorted(Path(args.corpus).glob("*.json")):
        put("qido", p.name, p.read_bytes())
    put("qido", "studies", b'[{"0020000D":{"vr":"UI","Value":["1.2.3"]},"00100010":{"vr":"PN",'
                           b'"Value":[{"Alphabetic":"Doe^John"}]},"00080020":{"vr":"DA",'
                           b'"Value":["20240101"]},"00201208":{"vr":"IS","Value":[42]}}]')
    print(" ".join(f"{name}: {n}" for name, n in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
