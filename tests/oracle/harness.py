"""What the oracle scripts share: their work folder, the hashes that show inputs were not
written to, and the closing line CTest reads."""
import hashlib
import shutil
import tempfile
from pathlib import Path


def work_folder(work_arg, name):
    """The folder given with --work (created if missing), else a new temporary one."""
    work = Path(work_arg or tempfile.mkdtemp(prefix=f"dcmlens-{name}-"))
    work.mkdir(parents=True, exist_ok=True)
    return work


def sha256_tree(root):
    """{relative path: sha256} for every file under root."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def finish(results, work, keep):
    """Prints `N passed, M failed`, removes a temporary work folder when everything passed (a
    folder given with --work is kept), and returns the exit status."""
    passed = sum(results)
    print(f"{passed} passed, {len(results) - passed} failed")
    if not keep and all(results):
        shutil.rmtree(work)
    return 0 if all(results) else 1
