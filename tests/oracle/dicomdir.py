#!/usr/bin/python3
"""DICOMDIR end to end: `info` lists, and `render DICOMDIR -o OUTDIR` renders, exactly the files
the directory records reference, in record order.

Usage:
    dicomdir.py --dcmlens BIN --dcmmkdir DCMMKDIR [--corpus DIR] [--work TMPDIR]

A media folder is built at test time: CT_small.dcm, MR_small.dcm and SC_rgb_small_odd.dcm as
CT/SE1/IM000001, MR/SE1/IM000001 and SC/IM000001 (three patients; every file named IM000001),
indexed by DCMTK's dcmmkdir, then two DICOM images the DICOMDIR does not reference (STRAY,
MR/SE1/IM000009). Checks:

- `info DICOMDIR --json` lists the referenced files in pydicom's FileSet order, no stray file;
  the same for pydicom's own dicomdirtests DICOMDIRs (other encodings, reordered records).
- `render DICOMDIR -o OUTDIR --cpu` exits 0 and writes OUTDIR/<File ID>.png for exactly the
  referenced files, each byte-equal to rendering that file alone.
- Record order is the offsets' (PS3.3 F.2, F.3.2.2), not the sequence's: with the root entity's links
  changed to SC, CT, MR (the records stay where they are), info lists SC first (pydicom 2.3's
  FileSet reads no records from that file, so the expected order comes from a walk here).
- Lower-case media (a CD as Linux may mount it: dicomdir, ct/se1/im000001) render the same.
- A file of another name with Media Storage SOP Class 1.2.840.10008.1.3.10 is a DICOMDIR too.
- A missing referenced file: render exits 1 with the line
  "dcmlens: .../DICOMDIR: referenced file MR/SE1/IM000001 not found" and renders the others.
- A garbage file named DICOMDIR: render and info exit 1 with exactly one stderr line naming it.
- A folder walk skips the DICOMDIR and finds the stray files (and, as before, reports the files
  whose PNG names collide).
- No run writes to the media (sha256 of every file before and after).
Every dcmlens run has a 60 s limit and must not be killed by a signal.
"""
import argparse
import json
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pydicom
from pydicom.fileset import FileSet

from harness import finish, sha256_tree, work_folder

DEFAULT_CORPUS = "/usr/lib/python3/dist-packages/pydicom/data/test_files"
TIMEOUT_S = 60
MEDIA = {"CT/SE1/IM000001": "CT_small.dcm", "MR/SE1/IM000001": "MR_small.dcm",
         "SC/IM000001": "SC_rgb_small_odd.dcm"}
STRAYS = {"STRAY": "JPEG-lossy.dcm", "MR/SE1/IM000009": "JPEG-lossy.dcm"}


def run(cmd, cwd=None):
    """(returncode, stdout, stderr); returncode None on timeout."""
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, errors="replace",
                           timeout=TIMEOUT_S, cwd=cwd)
        return r.returncode, r.stdout, r.stderr
    except subprocess.TimeoutExpired:
        return None, "", ""


def pydicom_order(dicomdir):
    """File IDs ('A/B/C') of pydicom's FileSet, in its order (the records' hierarchy)."""
    ids = []
    for instance in FileSet(pydicom.dcmread(str(dicomdir))):
        value = instance.ReferencedFileID
        ids.append("/".join(value) if isinstance(value, (list, pydicom.multival.MultiValue))
                   else str(value))
    return ids


def offset_order(dicomdir):
    """File IDs in the order of the records' links (PS3.3 F.2, F.3.2.2), walked here independently: a
    record, its lower-level entity, then the next record of its entity."""
    ds = pydicom.dcmread(str(dicomdir))
    records = {r.seq_item_tell: r for r in ds.DirectoryRecordSequence}
    ids = []
    pending = [ds.OffsetOfTheFirstDirectoryRecordOfTheRootDirectoryEntity]
    while pending:
        r = records[pending.pop()]
        if "ReferencedFileID" in r:
            value = r.ReferencedFileID
            ids.append("/".join(value) if isinstance(value, pydicom.multival.MultiValue)
                       else str(value))
        pending += [o for o in (r.OffsetOfTheNextDirectoryRecord,
                                r.OffsetOfReferencedLowerLevelDirectoryEntity) if o]
    return ids


def pngs(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def make_media(corpus, root, dcmmkdir):
    for file_id, name in MEDIA.items():
        (root / file_id).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(corpus / name, root / file_id)
    # +I invents missing type 1 attributes; -N... accept the corpus' encodings and sizes.
    subprocess.run([dcmmkdir, "-q", "+I", "-Nxc", "-Nec", "-Nrc", "+r", "CT", "MR", "SC"],
                   cwd=root, check=True, timeout=TIMEOUT_S)
    for file_id, name in STRAYS.items():
        shutil.copyfile(corpus / name, root / file_id)


def relink_root(source, target):
    """The DICOMDIR with its root entity's records linked SC, CT, MR instead of CT, MR, SC
    (records stay in place; UL offsets keep their size, so no item moves)."""
    ds = pydicom.dcmread(str(source))
    records = {r.seq_item_tell: r for r in ds.DirectoryRecordSequence}
    chain = []
    offset = ds.OffsetOfTheFirstDirectoryRecordOfTheRootDirectoryEntity
    while offset:
        chain.append(offset)
        offset = records[offset].OffsetOfTheNextDirectoryRecord
    assert len(chain) == 3, chain
    ct, mr, sc = chain
    ds.OffsetOfTheFirstDirectoryRecordOfTheRootDirectoryEntity = sc
    records[sc].OffsetOfTheNextDirectoryRecord = ct
    records[ct].OffsetOfTheNextDirectoryRecord = mr
    records[mr].OffsetOfTheNextDirectoryRecord = 0
    ds.save_as(str(target), write_like_original=True)
    check = pydicom.dcmread(str(target))
    assert [r.seq_item_tell for r in check.DirectoryRecordSequence] == list(records), \
        "records moved"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dcmlens", required=True)
    p.add_argument("--dcmmkdir", default="dcmmkdir")
    p.add_argument("--corpus", default=DEFAULT_CORPUS)
    p.add_argument("--work", help="temp dir (default: a new mkdtemp)")
    args = p.parse_args()
    warnings.simplefilter("ignore")
    dcmlens = str(Path(args.dcmlens).resolve())
    corpus = Path(args.corpus)
    work = work_folder(args.work, "dicomdir").resolve()
    results = []

    def report(ok, what, detail=""):
        results.append(bool(ok))
        print(f"{'PASS' if ok else 'FAIL'}  {what}" + (f": {detail}" if detail and not ok else ""))

    def no_crash(rc, what):
        if rc is None or rc < 0:
            report(False, what, "hung" if rc is None else f"killed by signal {-rc}")
            return False
        return True

    def info_files(dicomdir, cwd=None):
        rc, out, err = run([dcmlens, "info", str(dicomdir), "--json"], cwd=cwd)
        if not no_crash(rc, f"info {dicomdir}") or rc != 0:
            return None, err
        return json.loads(out).get("dicomdir"), err

    media = work / "media"
    media.mkdir()
    make_media(corpus, media, args.dcmmkdir)
    before = sha256_tree(media)
    referenced = list(MEDIA)  # dcmmkdir's order: its arguments', one patient each

    # info: the referenced files, in record order, paths relative to the DICOMDIR's folder.
    report(pydicom_order(media / "DICOMDIR") == referenced == offset_order(media / "DICOMDIR"),
           "pydicom reads the media as built", str(pydicom_order(media / "DICOMDIR")))
    listed, _ = info_files("DICOMDIR", cwd=media)
    report(listed == {"files": referenced, "problems": []}, "info DICOMDIR lists the records",
           str(listed))
    listed, _ = info_files(media / "DICOMDIR")
    report(listed and listed["files"] == [str(media / f) for f in referenced],
           "info /abs/DICOMDIR resolves against its folder", str(listed))

    for name in ["DICOMDIR", "DICOMDIR-reordered", "DICOMDIR-bigEnd", "DICOMDIR-implicit",
                 "DICOMDIR-nooffset", "TINY_ALPHA/DICOMDIR"]:
        path = corpus / "dicomdirtests" / name
        listed, _ = info_files(path)
        expected = [str(path.parent / f) for f in pydicom_order(path)]
        report(listed and listed["files"] == expected and not listed["problems"],
               f"info dicomdirtests/{name}: pydicom's order ({len(expected)} files)",
               str(listed)[:300])

    # render: exactly the referenced images, each as rendering it alone gives.
    out = work / "out"
    rc, _, err = run([dcmlens, "render", str(media / "DICOMDIR"), "-o", str(out), "--cpu"])
    if no_crash(rc, "render DICOMDIR"):
        report(rc == 0 and not err, "render DICOMDIR exits 0, silent", err)
        report(pngs(out) == sorted(f + ".png" for f in referenced),
               "render DICOMDIR writes the referenced files only", str(pngs(out)))
        for file_id in referenced:
            alone = work / "alone.png"
            run([dcmlens, "render", str(media / file_id), "-o", str(alone), "--cpu"])
            same = (out / (file_id + ".png")).exists() and \
                (out / (file_id + ".png")).read_bytes() == alone.read_bytes()
            report(same, f"render DICOMDIR: {file_id}.png equals rendering the file alone")

    # Record order follows the offsets.
    relinked = media / "RELINKED"
    relinked.mkdir()
    relink_root(media / "DICOMDIR", relinked / "DICOMDIR")
    relinked_order = ["SC/IM000001", "CT/SE1/IM000001", "MR/SE1/IM000001"]
    report(offset_order(relinked / "DICOMDIR") == relinked_order, "relinked as intended",
           str(offset_order(relinked / "DICOMDIR")))
    shutil.move(str(relinked / "DICOMDIR"), str(media / "RELINKED.DIR"))
    relinked.rmdir()
    listed, _ = info_files("RELINKED.DIR", cwd=media)
    report(listed and listed["files"] == relinked_order,
           "info follows the offsets, not the sequence, and knows the SOP class", str(listed))
    out = work / "out-relinked"
    rc, _, err = run([dcmlens, "render", "RELINKED.DIR", "-o", str(out), "--cpu"], cwd=media)
    report(no_crash(rc, "render RELINKED.DIR") and rc == 0 and
           pngs(out) == sorted(f + ".png" for f in referenced),
           "render of a DICOMDIR by SOP class, not name", f"{rc} {err} {pngs(out)}")
    (media / "RELINKED.DIR").unlink()

    # Lower-case media.
    lower = work / "lower"
    for src in sorted(media.rglob("*")):
        dst = lower / str(src.relative_to(media)).lower()
        if src.is_dir():
            dst.mkdir(parents=True, exist_ok=True)
        else:
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)
    out = work / "out-lower"
    rc, _, err = run([dcmlens, "render", str(lower / "dicomdir"), "-o", str(out), "--cpu"])
    report(no_crash(rc, "render lower-case dicomdir") and rc == 0 and
           pngs(out) == sorted(f.lower() + ".png" for f in referenced),
           "lower-case media: file IDs match case-insensitively", f"{rc} {err} {pngs(out)}")

    # A missing referenced file.
    missing = work / "missing"
    shutil.copytree(media, missing)
    (missing / "MR/SE1/IM000001").unlink()
    out = work / "out-missing"
    rc, _, err = run([dcmlens, "render", str(missing / "DICOMDIR"), "-o", str(out), "--cpu"])
    line = f"dcmlens: {missing / 'DICOMDIR'}: referenced file MR/SE1/IM000001 not found"
    if no_crash(rc, "render with a missing file"):
        report(rc == 1 and err.splitlines() == [line], "missing file: exit 1, one problem line",
               f"{rc} {err!r}")
        report(pngs(out) == ["CT/SE1/IM000001.png", "SC/IM000001.png"],
               "missing file: the others rendered", str(pngs(out)))
    listed, _ = info_files(missing / "DICOMDIR")
    report(listed and listed["problems"] == [line.removeprefix("dcmlens: ")],
           "info reports the missing file", str(listed))

    # Garbage named DICOMDIR.
    garbage = work / "garbage" / "DICOMDIR"
    garbage.parent.mkdir()
    garbage.write_bytes(b"not a DICOMDIR\n" * 20)
    for cmd in (["render", str(garbage), "-o", str(work / "out-garbage"), "--cpu"],
                ["info", str(garbage)]):
        rc, _, err = run([dcmlens] + cmd)
        if no_crash(rc, " ".join(cmd[:2])):
            lines = err.splitlines()
            report(rc == 1 and len(lines) == 1 and str(garbage) in lines[0],
                   f"garbage DICOMDIR: {cmd[0]} gives one error line", f"{rc} {err!r}")
    report(garbage.read_bytes() == b"not a DICOMDIR\n" * 20, "garbage DICOMDIR left alone")

    # A folder walk: the DICOMDIR skipped, every file found (strays included).
    out = work / "out-folder"
    rc, _, err = run([dcmlens, "render", str(media), "-o", str(out), "--cpu"])
    # The three IM000001 share an output name: the first is written, the others are errors.
    lines = err.splitlines()
    report(no_crash(rc, "render folder") and rc == 1 and len(lines) == 2 and
           all("same file name" in x and "DICOMDIR" not in x for x in lines) and
           pngs(out) == ["IM000001.png", "IM000009.png", "STRAY.png"],
           "folder walk skips the DICOMDIR, finds the strays", f"{rc} {err!r} {pngs(out)}")

    after = sha256_tree(media)
    report(before == after, f"media unchanged ({len(before)} files, sha256)")

    return finish(results, work, keep=bool(args.work))


if __name__ == "__main__":
    sys.exit(main())
