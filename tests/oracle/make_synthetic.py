#!/usr/bin/python3
"""Synthetic DICOM files for the display-pipeline paths the pydicom corpus lacks.

Usage:
    make_synthetic.py OUTDIR [--check]

Writes small (64 x 48) Part-10 files, Explicit VR Little Endian, into OUTDIR and
prints one line per file.  Every trap of /work/shared/docs/pipeline.md that
pydicom's own test files do not reach gets a file: junk above High Bit,
MONOCHROME1 with and without Presentation LUT Shape, negative and non-integer
rescale, Window Width 1, SIGMOID, VOI and Modality LUT Sequences (also with a
negative first mapped value), palettes with a first mapped value, planar RGB,
YBR_FULL, multi-frame, Pixel Padding Value and a High Bit that is not
Bits Stored - 1.

Output is deterministic: pixel data and UIDs come from numpy.random.default_rng
seeded with SEED and the file's name, and no date or time is taken from the
clock, so the same pydicom version writes the same bytes on every run.

--check runs, for every file, `dcmdump`, `dcm2pnm -O +op` with each of the
file's reference options (listed in FILES below), and pydicom's dcmread, and
exits non-zero if any of them fails.

Pixel Data is always written from numpy as raw little-endian bytes, never
through pydicom's pixel handlers, so that the bits above High Bit can hold junk.
"""
import subprocess
import sys
import tempfile
import uuid
import zlib
from pathlib import Path

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian

SEED = 20240607
ROWS, COLS = 48, 64

CT_IMAGE = "1.2.840.10008.5.1.4.1.1.2"
SC_IMAGE = "1.2.840.10008.5.1.4.1.1.7"
SC_MULTIFRAME_GREY_BYTE = "1.2.840.10008.5.1.4.1.1.7.2"
SC_MULTIFRAME_TRUE_COLOR = "1.2.840.10008.5.1.4.1.1.7.4"


# --------------------------------------------------------------------------- helpers

def rng_for(name):
    """The file's own generator: adding or reordering files changes no other file."""
    return np.random.default_rng([SEED, zlib.crc32(name.encode())])


def new_uid(rng):
    """A 2.25 UID from a version-4 UUID whose 128 bits come from rng."""
    hi, lo = (int(x) for x in rng.integers(0, 2**64, size=2, dtype=np.uint64))
    return "2.25." + str(uuid.UUID(int=(hi << 64) | lo, version=4).int)


def base_dataset(name, rng, sop_class, photometric, bits_allocated, bits_stored,
                 high_bit, signed=False, samples=1, frames=1, modality="OT"):
    """Patient/study/series/SC-equipment boilerplate and the Image Pixel module
    (PS3.3 C.7.6.3) without Pixel Data."""
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = sop_class
    meta.MediaStorageSOPInstanceUID = new_uid(rng)
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    meta.ImplementationClassUID = pydicom.uid.PYDICOM_IMPLEMENTATION_UID

    ds = Dataset()
    ds.file_meta = meta
    ds.is_little_endian, ds.is_implicit_VR = True, False
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.ImageType = ["DERIVED", "SECONDARY"]
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.StudyDate = ds.ContentDate = "20240607"
    ds.StudyTime = ds.ContentTime = "120000"
    ds.AccessionNumber = ""
    ds.Modality = modality
    ds.ConversionType = "WSD"
    ds.ReferringPhysicianName = ""
    ds.PatientName = "Synthetic^" + name
    ds.PatientID = "DCMLENS-SYNTH"
    ds.PatientBirthDate = ""
    ds.PatientSex = ""
    ds.StudyInstanceUID = new_uid(rng)
    ds.SeriesInstanceUID = new_uid(rng)
    ds.StudyID = "1"
    ds.SeriesNumber = 1
    ds.InstanceNumber = 1
    ds.PatientOrientation = ""
    ds.SeriesDescription = name
    if modality == "CT":
        ds.KVP = ""
        ds.AcquisitionNumber = 1
        ds.ImagePositionPatient = [0, 0, 0]
        ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
        ds.FrameOfReferenceUID = new_uid(rng)
        ds.PositionReferenceIndicator = ""
        ds.SliceThickness = 1
        ds.PixelSpacing = [1, 1]
        ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
    if frames > 1:
        ds.NumberOfFrames = frames
        ds.FrameIncrementPointer = 0x00181063      # (0018,1063) Frame Time
        ds.FrameTime = 100
    ds.SamplesPerPixel = samples
    ds.PhotometricInterpretation = photometric
    ds.Rows, ds.Columns = ROWS, COLS
    ds.BitsAllocated = bits_allocated
    ds.BitsStored = bits_stored
    ds.HighBit = high_bit
    ds.PixelRepresentation = 1 if signed else 0
    return ds


def set_pixels(ds, words):
    """Pixel Data from an array of whole Bits Allocated words (already holding
    any junk bits), written little-endian as OB (8 bit) or OW (16 bit)."""
    if int(ds.BitsAllocated) == 8:
        data, vr = np.asarray(words, dtype=np.uint8).tobytes(), "OB"
    else:
        data, vr = np.asarray(words).astype("<u2").tobytes(), "OW"
    if len(data) % 2:
        data += b"\0"
    ds.add_new(0x7FE00010, vr, data)


def stored_to_words(values, bits_stored, high_bit, rng, junk=True):
    """16-bit words holding `values` (signed or not) in bits
    [high_bit-bits_stored+1, high_bit]; every other bit random when junk."""
    shift = high_bit + 1 - bits_stored
    field = ((1 << bits_stored) - 1) << shift
    words = (np.asarray(values, dtype=np.int64) << shift) & field
    if junk:
        words |= rng.integers(0, 1 << 16, size=words.shape) & ~field & 0xFFFF
    return words.astype(np.uint16)


def set_windows(ds, centers, widths, explanations=None, function=None):
    """(0028,1050) Window Center, (0028,1051) Window Width, paired by index."""
    ds.WindowCenter = [fmt(c) for c in centers] if len(centers) > 1 else fmt(centers[0])
    ds.WindowWidth = [fmt(w) for w in widths] if len(widths) > 1 else fmt(widths[0])
    if explanations:
        ds.WindowCenterWidthExplanation = explanations
    if function:
        ds.VOILUTFunction = function


def fmt(x):
    """A DS string without float noise."""
    return format(float(x), ".10g")


def lut_item(first, entries, bits, explanation=None, vr="US", signed_first=False):
    """One item of a VOI/Modality LUT Sequence: (0028,3002) LUT Descriptor
    [n, first, bits] (n = 0 means 65536) and (0028,3006) LUT Data.  A negative
    first mapped value is written as its US two's complement (PS3.3 C.11.1.1)."""
    entries = np.asarray(entries, dtype=np.int64)
    assert entries.min() >= 0 and entries.max() < (1 << bits)
    n = len(entries)
    item = Dataset()
    item.add_new(0x00283002, "US", [n % 65536, first & 0xFFFF if signed_first else first, bits])
    if explanation:
        item.LUTExplanation = explanation
    if vr == "US":
        item.add_new(0x00283006, "US", [int(v) for v in entries])
    else:
        item.add_new(0x00283006, "OW", entries.astype("<u2").tobytes())
    return item


def ramp_and_noise(rng, lo, hi, frames=1):
    """Top half a horizontal ramp lo..hi, bottom half uniform noise in [lo, hi];
    the first pixels of row 0 hold lo and hi exactly."""
    shape = (frames, ROWS, COLS)
    out = rng.integers(lo, hi, size=shape, endpoint=True)
    ramp = np.round(np.linspace(lo, hi, COLS)).astype(np.int64)
    out[:, : ROWS // 2, :] = ramp
    out[:, 0, 0], out[:, 0, 1] = lo, hi
    return out if frames > 1 else out[0]


# --------------------------------------------------------------------------- files
# Each builder returns the dataset; FILES maps name -> (builder, dcm2pnm options
# that must work, beyond the default rendering).

def mono1_u12(name, with_identity=False):
    # (0028,0004) MONOCHROME1: invert after VOI.  (0028,0101)/(0028,0102) 12 bits
    # stored, High Bit 11, with random junk in bits 12..15 (PS3.5 8.1.1): a reader
    # that does not mask sees values up to 65535.
    rng = rng_for(name)
    ds = base_dataset(name, rng, SC_IMAGE, "MONOCHROME1", 16, 12, 11)
    set_pixels(ds, stored_to_words(ramp_and_noise(rng, 0, 4095), 12, 11, rng))
    set_windows(ds, [1800], [2500])
    if with_identity:
        # (2050,0020) Presentation LUT Shape IDENTITY overrides MONOCHROME1
        # polarity (PS3.3 C.11.6): no inversion.
        ds.PresentationLUTShape = "IDENTITY"
    return ds


def mono1_identity(name):
    return mono1_u12(name, with_identity=True)


def mono2_s16_rescale(name):
    # (0028,0103) Pixel Representation 1 with the full 16-bit range including
    # -32768 and 32767; (0028,1052) Rescale Intercept -1024 pushes modality values
    # outside int16; two windows paired with (0028,1055) explanations.
    rng = rng_for(name)
    ds = base_dataset(name, rng, CT_IMAGE, "MONOCHROME2", 16, 16, 15, signed=True,
                      modality="CT")
    v = ramp_and_noise(rng, -32768, 32767)
    v[1, :8] = [-32768, 32767, -32767, 32766, -1, 0, 1, 1024]
    set_pixels(ds, stored_to_words(v, 16, 15, rng))
    ds.RescaleIntercept, ds.RescaleSlope, ds.RescaleType = "-1024", "1", "HU"
    set_windows(ds, [40, -600], [400, 1500], ["BRAIN", "LUNG"])
    return ds


def mono2_negative_slope(name):
    # (0028,1053) Rescale Slope -1, (0028,1052) Intercept 4095: the modality
    # transform reverses the ramp (an unsigned-only implementation overflows).
    rng = rng_for(name)
    ds = base_dataset(name, rng, SC_IMAGE, "MONOCHROME2", 16, 12, 11)
    set_pixels(ds, stored_to_words(ramp_and_noise(rng, 0, 4095), 12, 11, rng, junk=False))
    ds.RescaleIntercept, ds.RescaleSlope, ds.RescaleType = "4095", "-1", "US"
    set_windows(ds, [1500], [2000])
    return ds


def mono2_noninteger_rescale(name):
    # (0028,1053) Rescale Slope 0.25, (0028,1052) Intercept -100.5: modality values
    # are not integers (DCMTK may truncate them: oracle tolerance 1).
    rng = rng_for(name)
    ds = base_dataset(name, rng, SC_IMAGE, "MONOCHROME2", 16, 12, 11)
    set_pixels(ds, stored_to_words(ramp_and_noise(rng, 0, 4095), 12, 11, rng, junk=False))
    ds.RescaleIntercept, ds.RescaleSlope, ds.RescaleType = "-100.5", "0.25", "US"
    set_windows(ds, [400], [600])
    return ds


def mono2_window_width1(name):
    # (0028,1051) Window Width 1: LINEAR becomes a threshold at C - 0.5 (PS3.3
    # C.11.2.1.2.1); values straddle the threshold 2047.5.
    rng = rng_for(name)
    ds = base_dataset(name, rng, SC_IMAGE, "MONOCHROME2", 16, 12, 11)
    v = ramp_and_noise(rng, 0, 4095)
    v[ROWS // 2:, : COLS // 2] = rng.integers(2040, 2056, size=(ROWS - ROWS // 2, COLS // 2))
    set_pixels(ds, stored_to_words(v, 12, 11, rng, junk=False))
    set_windows(ds, [2048], [1])
    return ds


def mono2_sigmoid(name):
    # (0028,1056) VOI LUT Function SIGMOID (PS3.3 C.11.2.1.3.1) with one window.
    rng = rng_for(name)
    ds = base_dataset(name, rng, SC_IMAGE, "MONOCHROME2", 16, 12, 11)
    set_pixels(ds, stored_to_words(ramp_and_noise(rng, 0, 4095), 12, 11, rng, junk=False))
    set_windows(ds, [2000], [1200], ["SIGMOID TEST"], function="SIGMOID")
    return ds


def voi_lut_12bit(name):
    # (0028,3010) VOI LUT Sequence, no window: item 1 [4096, 0, 12] gamma curve
    # with 12-bit entries (reduced to 8 bits by >> 4), item 2 [256, 1000, 16]:
    # values below 1000 and above 1255 clamp to the end entries.
    rng = rng_for(name)
    ds = base_dataset(name, rng, SC_IMAGE, "MONOCHROME2", 16, 12, 11)
    set_pixels(ds, stored_to_words(ramp_and_noise(rng, 0, 4095), 12, 11, rng, junk=False))
    x = np.arange(4096) / 4095.0
    gamma = np.round(4095 * x ** 0.45).astype(np.int64)
    t = np.arange(256) / 255.0
    s_curve = np.round(65535 * (0.5 - 0.5 * np.cos(np.pi * t))).astype(np.int64)
    ds.VOILUTSequence = Sequence([
        lut_item(0, gamma, 12, "GAMMA 0.45"),
        lut_item(1000, s_curve, 16, "S CURVE 1000-1255"),
    ])
    return ds


def voi_lut_signed_negative_first(name):
    # (0028,3010) VOI LUT for signed data, (0028,3002) first mapped value -1000
    # written as US 64536 (two's complement): a reader taking it as unsigned
    # clamps every pixel to entry 0.
    rng = rng_for(name)
    ds = base_dataset(name, rng, SC_IMAGE, "MONOCHROME2", 16, 16, 15, signed=True)
    set_pixels(ds, stored_to_words(ramp_and_noise(rng, -1000, 1000), 16, 15, rng))
    x = np.arange(2001) / 2000.0
    entries = np.round(65535 * np.sqrt(x)).astype(np.int64)
    ds.VOILUTSequence = Sequence([
        lut_item(-1000, entries, 16, "SQRT -1000..1000", signed_first=True)])
    return ds


def modality_lut(name):
    # (0028,3000) Modality LUT Sequence [3000, 500, 16], (0028,3004) Modality LUT
    # Type 'US' (unspecified): stored values 0..4095 clamp below 500 and above
    # 3499; one window over the LUT's output range.
    rng = rng_for(name)
    ds = base_dataset(name, rng, SC_IMAGE, "MONOCHROME2", 16, 12, 11)
    set_pixels(ds, stored_to_words(ramp_and_noise(rng, 0, 4095), 12, 11, rng))
    x = np.arange(3000) / 2999.0
    entries = np.round(200 + 40000 * x ** 2).astype(np.int64)
    item = lut_item(500, entries, 16, "SQUARE 500..3499", vr="OW")
    item.ModalityLUTType = "US"
    ds.ModalityLUTSequence = Sequence([item])
    set_windows(ds, [20200], [40000])
    return ds


def modality_lut_signed_negative_first(name):
    # (0028,3000) Modality LUT for signed 12-bit stored values (sign-extended from
    # High Bit 11), first mapped value -1500 written as US 64036.
    rng = rng_for(name)
    ds = base_dataset(name, rng, SC_IMAGE, "MONOCHROME2", 16, 12, 11, signed=True)
    set_pixels(ds, stored_to_words(ramp_and_noise(rng, -2048, 2047), 12, 11, rng, junk=False))
    x = np.arange(3000) / 2999.0
    entries = np.round(30000 * (1 - np.exp(-3 * x)) / (1 - np.exp(-3))).astype(np.int64)
    item = lut_item(-1500, entries, 16, "EXP -1500..1499", vr="US", signed_first=True)
    item.ModalityLUTType = "US"
    ds.ModalityLUTSequence = Sequence([item])
    set_windows(ds, [15000], [30000])
    return ds


def set_palette(ds, first, curves):
    """(0028,1101-1103) Palette Color LUT Descriptors [n, first, 16] and
    (0028,1201-1203) 16-bit OW data, one curve per channel."""
    for k, curve in enumerate(curves):
        curve = np.asarray(curve, dtype=np.int64)
        ds.add_new(0x00281101 + k, "US", [len(curve) % 65536, first, 16])
        ds.add_new(0x00281201 + k, "OW", curve.astype("<u2").tobytes())


def palette_8bit(name):
    # (0028,0004) PALETTE COLOR, 8-bit indices, descriptors [256, 0, 16] with
    # different curves per channel (DCMTK uses the top 8 bits of each entry).
    rng = rng_for(name)
    ds = base_dataset(name, rng, SC_IMAGE, "PALETTE COLOR", 8, 8, 7)
    set_pixels(ds, ramp_and_noise(rng, 0, 255))
    t = np.arange(256) / 255.0
    set_palette(ds, 0, [np.round(65535 * t),
                        np.round(65535 * (0.5 - 0.5 * np.cos(2 * np.pi * t))),
                        np.round(65535 * (1 - t) ** 2)])
    return ds


def palette_16bit_first_mapped(name):
    # PALETTE COLOR, 16-bit indices, descriptors [4096, 100, 16] (PS3.3 C.7.6.3.1.5):
    # indices below 100 take entry 0, above 4195 entry 4095.
    rng = rng_for(name)
    ds = base_dataset(name, rng, SC_IMAGE, "PALETTE COLOR", 16, 16, 15)
    v = ramp_and_noise(rng, 0, 4400)
    v[1, :8] = [0, 99, 100, 101, 4194, 4195, 4196, 65535]
    set_pixels(ds, v)
    t = np.arange(4096) / 4095.0
    set_palette(ds, 100, [np.round(65535 * t ** 0.5),
                          np.round(65535 * np.abs(np.sin(3 * np.pi * t))),
                          np.round(65535 * (1 - t))])
    return ds


def rgb_planar(name):
    # (0028,0006) Planar Configuration 1 (RRR..GGG..BBB per frame), 2 frames.
    rng = rng_for(name)
    ds = base_dataset(name, rng, SC_MULTIFRAME_TRUE_COLOR, "RGB", 8, 8, 7, samples=3,
                      frames=2)
    ds.PlanarConfiguration = 1
    planes = rng.integers(0, 256, size=(2, 3, ROWS, COLS))
    planes[1, 0] = np.linspace(0, 255, COLS).astype(np.int64)       # frame 2: red ramp
    set_pixels(ds, planes)
    return ds


def ybr_full(name):
    # (0028,0004) YBR_FULL uncompressed, Planar Configuration 0 (YCbCrYCbCr..):
    # random triples include out-of-gamut colours, which must clamp to 0..255.
    rng = rng_for(name)
    ds = base_dataset(name, rng, SC_IMAGE, "YBR_FULL", 8, 8, 7, samples=3)
    ds.PlanarConfiguration = 0
    ybr = rng.integers(0, 256, size=(ROWS, COLS, 3))
    ybr[: ROWS // 2, :, 0] = np.linspace(0, 255, COLS).astype(np.int64)  # Y ramp,
    ybr[: ROWS // 2, :, 1:] = 128                                         # neutral
    set_pixels(ds, ybr)
    return ds


def mono2_u8_multiframe(name):
    # (0028,0008) Number of Frames 3, every frame different (frame indexing and
    # frame offset); one window.
    rng = rng_for(name)
    ds = base_dataset(name, rng, SC_MULTIFRAME_GREY_BYTE, "MONOCHROME2", 8, 8, 7,
                      frames=3)
    v = ramp_and_noise(rng, 0, 255, frames=3)
    v[1] = 255 - v[1]
    v[2, : ROWS // 2] = 37
    set_pixels(ds, v)
    ds.PresentationLUTShape = "IDENTITY"       # required by this SOP class
    set_windows(ds, [100], [120])
    return ds


def mono2_padding(name):
    # (0028,0120) Pixel Padding Value -2000 (SS, signed data) on a 3-pixel border,
    # no window: a min-max window must exclude padding (PS3.3 C.7.5.1.1.2).
    rng = rng_for(name)
    ds = base_dataset(name, rng, SC_IMAGE, "MONOCHROME2", 16, 16, 15, signed=True)
    v = ramp_and_noise(rng, -1000, 1000)
    v[:3, :] = v[-3:, :] = v[:, :3] = v[:, -3:] = -2000
    set_pixels(ds, stored_to_words(v, 16, 15, rng))
    ds.add_new(0x00280120, "SS", -2000)
    return ds


def mono2_bits_stored_8_high_bit_11(name):
    # (0028,0101) Bits Stored 8 with (0028,0102) High Bit 11: the value sits in
    # bits 4..11, bits 0..3 and 12..15 are junk; shift right by 4 then mask.
    rng = rng_for(name)
    ds = base_dataset(name, rng, SC_IMAGE, "MONOCHROME2", 16, 8, 11)
    set_pixels(ds, stored_to_words(ramp_and_noise(rng, 0, 255), 8, 11, rng))
    set_windows(ds, [128], [200])
    return ds


FILES = {
    "mono1_u12.dcm": (mono1_u12, [["+Wi", "1"]]),
    "mono1_identity.dcm": (mono1_identity, [["+Wi", "1"]]),
    "mono2_s16_rescale.dcm": (mono2_s16_rescale, [["+Wi", "1"], ["+Wi", "2"], ["+Wm"]]),
    "mono2_negative_slope.dcm": (mono2_negative_slope, [["+Wi", "1"], ["+Wm"]]),
    "mono2_noninteger_rescale.dcm": (mono2_noninteger_rescale, [["+Wi", "1"], ["+Wm"]]),
    "mono2_window_width1.dcm": (mono2_window_width1, [["+Wi", "1"]]),
    "mono2_sigmoid.dcm": (mono2_sigmoid, [["+Wi", "1"], ["+Ww", "2000", "1200", "+Wfs"]]),
    "voi_lut_12bit.dcm": (voi_lut_12bit, [["+Wl", "1"], ["+Wl", "2"], ["+Wm"]]),
    "voi_lut_signed_negative_first.dcm": (voi_lut_signed_negative_first,
                                          [["+Wl", "1"], ["+Wm"]]),
    "modality_lut.dcm": (modality_lut, [["+Wi", "1"], ["+Wm"]]),
    "modality_lut_signed_negative_first.dcm": (modality_lut_signed_negative_first,
                                               [["+Wi", "1"], ["+Wm"]]),
    "palette_8bit.dcm": (palette_8bit, [[]]),
    "palette_16bit_first_mapped.dcm": (palette_16bit_first_mapped, [[]]),
    "rgb_planar.dcm": (rgb_planar, [[], ["+F", "2"]]),
    "ybr_full.dcm": (ybr_full, [[]]),
    "mono2_u8_multiframe.dcm": (mono2_u8_multiframe,
                                [["+Wi", "1"], ["+Wi", "1", "+F", "2"], ["+Wi", "1", "+F", "3"]]),
    "mono2_padding.dcm": (mono2_padding, [["+Wm"]]),
    "mono2_bits_stored_8_high_bit_11.dcm": (mono2_bits_stored_8_high_bit_11,
                                            [["+Wi", "1"], ["+Wm"]]),
}


# --------------------------------------------------------------------------- main

def check(path, option_sets, tmp):
    """dcmdump, dcm2pnm -O +op with every option set, and pydicom dcmread."""
    problems = []
    r = subprocess.run(["dcmdump", str(path)], capture_output=True, text=True)
    if r.returncode != 0 or r.stderr.strip():
        problems.append("dcmdump: " + (r.stderr.strip() or "rc %d" % r.returncode))
    for opts in [[]] + [o for o in option_sets if o]:
        out = Path(tmp) / "out.pnm"
        cmd = ["dcm2pnm", "-O", "+op", *opts, str(path), str(out)]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0 or not out.exists() or r.stderr.strip():
            problems.append(" ".join(cmd[1:-2]) + ": " + (r.stderr.strip() or "rc %d" % r.returncode))
        out.unlink(missing_ok=True)
    try:
        ds = pydicom.dcmread(str(path))
        assert len(ds.PixelData) >= ds.Rows * ds.Columns * ds.SamplesPerPixel \
            * int(ds.get("NumberOfFrames", 1)) * ds.BitsAllocated // 8
    except Exception as e:             # noqa: BLE001 -- report any failure
        problems.append("pydicom: %r" % e)
    return problems


def main(argv):
    args = [a for a in argv if a != "--check"]
    if len(args) != 1:
        sys.exit(__doc__)
    outdir = Path(args[0])
    outdir.mkdir(parents=True, exist_ok=True)
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, (builder, option_sets) in FILES.items():
            ds = builder(name[:-4])
            path = outdir / name
            ds.save_as(str(path), write_like_original=False)
            line = "%-40s %-14s %2d frame(s)  %s" % (
                name, ds.PhotometricInterpretation, int(ds.get("NumberOfFrames", 1)),
                "; ".join(" ".join(["-O", "+op", *o]) for o in option_sets))
            if "--check" in argv:
                problems = check(path, option_sets, tmp)
                failed += bool(problems)
                line += "  " + ("OK" if not problems else "FAILED: " + " | ".join(problems))
            print(line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
