"""Put a local copy of MathJax 3 where the book's HTML build picks it up.

The rendered book must show its math without a CDN: offline, and where CDNs are
slow or blocked. This script fetches the ``mathjax`` package from the npm
registry (a pinned version, checked against the registry's sha512 integrity
hash), caches the tarball in ``.cache/``, and extracts its ``es5/`` folder to
``_build/extra/_static/mathjax/``.

``_config.yml`` lists ``_build/extra`` in ``html_extra_path`` (not in
``html_static_path``), so Sphinx copies MathJax into ``_build/html/_static/``
while Jupyter Book does not add each of its scripts to every page: a page
loads only the entry point named by ``mathjax_path``. Run by ``make book``.
"""

from __future__ import annotations

import base64
import hashlib
import pathlib
import shutil
import subprocess
import sys
import tarfile
import urllib.request

VERSION = "3.2.2"
INTEGRITY = "sha512-Bt+SSVU8eBG27zChVewOicYs7Xsdt40qm4+UpHyX7k0/O9NliPc+x77k1/FEsPsjKPZGJvtRZM1vO+geW0OhGw=="
URL = f"https://registry.npmjs.org/mathjax/-/mathjax-{VERSION}.tgz"
ENTRY = "tex-mml-chtml.js"

ROOT = pathlib.Path(__file__).resolve().parents[1]
CACHE = ROOT / ".cache" / f"mathjax-{VERSION}.tgz"
TARGET = ROOT / "_build" / "extra" / "_static" / "mathjax"


def _integrity_ok(path: pathlib.Path) -> bool:
    algo, _, expected = INTEGRITY.partition("-")
    digest = hashlib.new(algo, path.read_bytes()).digest()
    return base64.b64encode(digest).decode() == expected


def _fetch() -> None:
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    partial = CACHE.with_suffix(".part")
    try:
        with urllib.request.urlopen(URL, timeout=120) as response, open(partial, "wb") as out:
            shutil.copyfileobj(response, out)
    except OSError as err:  # fall back on the npm client where it is installed
        if not shutil.which("npm"):
            raise SystemExit(f"could not download {URL}: {err}") from None
        subprocess.run(["npm", "pack", f"mathjax@{VERSION}", "--pack-destination", str(CACHE.parent)],
                       check=True, capture_output=True)
        (CACHE.parent / f"mathjax-{VERSION}.tgz").replace(partial)
    partial.replace(CACHE)


def main() -> int:
    stamp = TARGET / ".version"
    if (TARGET / ENTRY).exists() and stamp.exists() and stamp.read_text().strip() == VERSION:
        return 0
    if not CACHE.exists() or not _integrity_ok(CACHE):
        _fetch()
    if not _integrity_ok(CACHE):
        CACHE.unlink()
        raise SystemExit(f"{URL} does not match its published integrity hash")
    shutil.rmtree(TARGET, ignore_errors=True)
    TARGET.mkdir(parents=True)
    with tarfile.open(CACHE) as tar:
        for member in tar.getmembers():
            parts = pathlib.PurePosixPath(member.name).parts
            if len(parts) < 3 or parts[:2] != ("package", "es5") or not member.isfile():
                continue
            dest = TARGET.joinpath(*parts[2:])
            dest.parent.mkdir(parents=True, exist_ok=True)
            with tar.extractfile(member) as src, open(dest, "wb") as out:
                shutil.copyfileobj(src, out)
    (TARGET / ".version").write_text(VERSION)
    print(f"MathJax {VERSION} ready in {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
