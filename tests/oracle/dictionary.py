#!/usr/bin/python3
"""DCMTK's data dictionary compiled into dcmlens, checked end to end through the CLI.

usage: dictionary.py --dcmlens BIN --corpus DIR [--work DIR]

1. For every top-level file of the corpus, `info --tags` and `info --json` print the same with the
   compiled table (the default: `data_dictionary` "compiled") as with DCMTK parsing its dictionary
   files (DCMDICTPATH set to DCMTK's default path: "DCMTK's files"): implicit VR files, private
   tags and sequences included.
2. DCMDICTPATH still decides when it is set: a dictionary with one more private tag names it.
"""
import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.uid import ImplicitVRLittleEndian

from harness import finish, work_folder

def dcmtk_dictionaries():
    """The files DCMTK loads when DCMDICTPATH is unset (DCM_DICT_DEFAULT_PATH of its build)."""
    text = Path("/usr/include/dcmtk/config/osconfig.h").read_text()
    return re.search(r'#define DCM_DICT_DEFAULT_PATH "([^"]*)"', text).group(1).split(":")


DCMTK_DICTIONARIES = dcmtk_dictionaries()
RESULTS = []


def check(label, ok, detail=""):
    RESULTS.append(bool(ok))
    print(("PASS  " if ok else "FAIL  ") + label + (f"  ({detail})" if detail else ""))


def run(dcmlens, args, dictionaries=None):
    env = dict(os.environ)
    env.pop("DCMDICTPATH", None)
    if dictionaries is not None:
        env["DCMDICTPATH"] = ":".join(dictionaries)
    r = subprocess.run([dcmlens] + args, capture_output=True, env=env)  # bytes: tags hold any charset
    return r.returncode, r.stdout, r.stderr


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dcmlens", required=True)
    p.add_argument("--corpus", required=True)
    p.add_argument("--work")
    args = p.parse_args()
    work = work_folder(args.work, "dictionary")

    files = sorted(f for f in Path(args.corpus).iterdir() if f.suffix.lower() == ".dcm")
    same, differing, sources = 0, [], set()
    for f in files:
        for mode in (["--tags"], ["--json"]):
            compiled = run(args.dcmlens, ["info", str(f)] + mode)
            parsed = run(args.dcmlens, ["info", str(f)] + mode, DCMTK_DICTIONARIES)
            if mode == ["--json"] and compiled[0] == 0 and parsed[0] == 0:
                a, b = json.loads(compiled[1]), json.loads(parsed[1])
                sources.add((a.pop("data_dictionary", None), b.pop("data_dictionary", None)))
                compiled, parsed = (0, a, compiled[2]), (0, b, parsed[2])
            if compiled == parsed:
                same += 1
            else:
                differing.append(f"{f.name} {mode[0]}")
    check("the default is the compiled dictionary; DCMDICTPATH makes DCMTK parse its files",
          sources == {("compiled", "DCMTK's files")}, str(sorted(sources, key=str)))
    check(f"info --tags and --json print the same with the compiled dictionary as with DCMTK's parse "
          f"({len(files)} files)", not differing and same == 2 * len(files),
          ", ".join(differing[:5]) or f"{same} outputs")

    # A private tag only the user's dictionary knows (DCMTK's .dic format: tag, VR, name, VM, version).
    extra = work / "extra.dic"
    extra.write_text('(0009,"DCMLENS TEST",10)\tLO\tDcmlensTestName\t1\tPrivateTag\n')
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.7"
    meta.MediaStorageSOPInstanceUID = "2.25.42"
    meta.TransferSyntaxUID = ImplicitVRLittleEndian
    ds = FileDataset(str(work / "private.dcm"), {}, file_meta=meta, preamble=b"\0" * 128)
    ds.is_little_endian, ds.is_implicit_VR = True, True
    ds.SOPClassUID, ds.SOPInstanceUID = meta.MediaStorageSOPClassUID, meta.MediaStorageSOPInstanceUID
    ds.add_new(0x00090010, "LO", "DCMLENS TEST")
    ds.add_new(0x00091010, "LO", "hello")
    ds.save_as(work / "private.dcm", write_like_original=False)
    default = run(args.dcmlens, ["info", str(work / "private.dcm"), "--tags"])
    user = run(args.dcmlens, ["info", str(work / "private.dcm"), "--tags"], DCMTK_DICTIONARIES + [str(extra)])
    check("DCMDICTPATH decides when set: the user's private tag is named",
          user[0] == 0 and b"DcmlensTestName" in user[1] and default[0] == 0 and b"DcmlensTestName" not in default[1],
          f"exit {user[0]}, {default[0]}")
    return finish(RESULTS, work, args.work)


if __name__ == "__main__":
    sys.exit(main())
