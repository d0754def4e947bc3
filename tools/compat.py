"""The compatibility matrix: ``make test-compat`` (``python tools/compat.py``).

Runs bmlearn's unit tests and every lesson (``tools/lessons.py``, hidden asserts
included) in extra environments, each in its own virtual environment under
``.venv-compat/``, each lesson once:

- ``colab``: Python 3.12 with a TensorFlow release close to what current Colab
  runtimes ship, with the settings ``bm.setup()`` picks on an A100, L4 or H100
  (``mixed_bfloat16``, non-deterministic ops, XLA: the ``gpu`` configuration of
  ``tools/lessons.py``). So this run is also CI's GPU-configuration run
  (``make test-gpu-config`` runs the same configuration in the main environment);
- ``oldest``: the oldest Python, TensorFlow and Keras that ``pyproject.toml``
  admits (``requires-python`` and :data:`bmlearn.versions.MINIMUM`), in the
  default configuration (float32, deterministic ops).

Then it checks the Colab install path: in an environment where TensorFlow is
already installed (as on Colab), it runs the lessons' exact install command
against a locally built wheel of bmlearn, and asserts that TensorFlow, Keras and
NumPy were neither upgraded nor reinstalled and that ``bmlearn.setup()`` works.

It prints a table (environment, Python, TensorFlow, Keras, unit tests, lessons,
whole-course time), writes it to ``_build/compat.md``, and exits non-zero if
anything failed.
"""

from __future__ import annotations

import argparse
import dataclasses
import glob
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
VENVS = ROOT / ".venv-compat"
sys.path.insert(0, str(ROOT))

from bmlearn.course import install_command  # noqa: E402  (bmlearn itself needs no TF to import)
from bmlearn.versions import MINIMUM  # noqa: E402


@dataclasses.dataclass(frozen=True)
class Env:
    name: str
    python: str            # "3.12"
    requirements: tuple   # pip requirements pinning TensorFlow (and Keras)
    why: str
    config: str = "default"   # the tools/lessons.py configuration the lessons run in


#: The oldest Python that pyproject.toml admits (``requires-python = ">=3.10"``).
PYTHON_FLOOR = re.search(r'^requires-python = ">=(\d+\.\d+)"$',
                         (ROOT / "pyproject.toml").read_text(), re.M).group(1)

ENVIRONMENTS = [
    Env("colab", "3.12", ("tensorflow==2.20.*",),
        "close to current Colab runtimes, with an A100/L4/H100's settings", config="gpu"),
    # The floors come from bmlearn.versions.MINIMUM, which pyproject.toml and
    # environment.yml must state exactly (tests/test_book.py checks).
    Env("oldest", PYTHON_FLOOR, tuple(f"{package}=={floor}.*" for package, floor in MINIMUM.items()),
        "the oldest Python, TensorFlow and Keras that pyproject.toml admits"),
]

VERSIONS = (
    "import importlib.metadata as m, platform, json;"
    "print(json.dumps({'python': platform.python_version(),"
    " **{p: m.version(p) for p in ('tensorflow', 'keras', 'numpy')}}))"
)


def find_python(version: str) -> str:
    """A working interpreter of this version: under pyenv, or on PATH.

    A pyenv shim can sit on PATH for a version that is installed but not
    active, and then fails; so each candidate is tried before it is used.
    """
    pattern = os.path.expanduser(f"~/.pyenv/versions/{version}.*/bin/python{version}")
    candidates = sorted(glob.glob(pattern), reverse=True) + [shutil.which(f"python{version}")]
    for candidate in filter(None, candidates):
        probe = subprocess.run([candidate, "-c", "import sys, venv; print(sys.version)"],
                               capture_output=True, text=True)
        if probe.returncode == 0 and probe.stdout.startswith(version):
            return candidate
    raise SystemExit(f"no working Python {version} found (tried {pattern} and python{version} on PATH)")


def run(cmd, **kwargs) -> subprocess.CompletedProcess:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.run([str(c) for c in cmd], cwd=ROOT, **kwargs)


def prepare(env: Env, python: str | None) -> pathlib.Path:
    """Create (once) the environment's venv with TensorFlow and bmlearn[test] installed."""
    venv = VENVS / env.name
    stamp = venv / ".bmlearn-compat"
    spec = f"{env.requirements} {(ROOT / 'pyproject.toml').read_text()}"
    if stamp.exists() and stamp.read_text() == spec:
        return venv
    shutil.rmtree(venv, ignore_errors=True)
    run([python or find_python(env.python), "-m", "venv", venv], check=True)
    pip = [venv / "bin" / "python", "-m", "pip", "install", "--quiet"]
    run([*pip, "--upgrade", "pip"], check=True)
    run([*pip, *env.requirements, "-e", ".[test]"], check=True)
    stamp.write_text(spec)
    return venv


def versions(venv: pathlib.Path) -> dict:
    out = run([venv / "bin" / "python", "-c", VERSIONS], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def check_env(env: Env, python: str | None) -> dict:
    venv = prepare(env, python)
    py = venv / "bin" / "python"
    row = {"environment": env.name, "why": env.why, **versions(venv)}
    unit = run([py, "-m", "pytest", "-q", "tests", "bmlearn",
                "--ignore=tests/rendered", "--ignore=tests/browser"])
    row["unit tests"] = "pass" if unit.returncode == 0 else "FAIL"
    start = time.perf_counter()
    # Correctness here; the time budget is checked by `make test` in the main environment.
    lessons = run([py, "tools/lessons.py", "--config", env.config, "--tag", f"compat-{env.name}-"])
    row["course seconds"] = round(time.perf_counter() - start)
    row["lessons"] = "pass" if lessons.returncode == 0 else "FAIL"
    row["config"] = env.config
    return row


def check_colab_install(env: Env, python: str | None) -> dict:
    """The lessons' install command, run against a local wheel where TensorFlow is installed."""
    venv = prepare(env, python)
    py = venv / "bin" / "python"
    with tempfile.TemporaryDirectory() as tmp:
        run([py, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", tmp, "."], check=True)
        (wheel,) = pathlib.Path(tmp).glob("bmlearn-*.whl")
        run([py, "-m", "pip", "uninstall", "--quiet", "-y", "bmlearn"], check=True)
        before = versions(venv)
        *flags, _requirement = install_command()   # the same flags, a local source
        result = run([py, "-m", *flags, str(wheel)], capture_output=True, text=True)
        after = versions(venv)
        setup = run([py, "-c", "import bmlearn; env = bmlearn.setup(); print(env.profile.name)"],
                    capture_output=True, text=True)
    run([py, "-m", "pip", "install", "--quiet", "--no-deps", "-e", "."], check=True)  # restore
    unchanged = all(before[p] == after[p] for p in ("tensorflow", "keras", "numpy"))
    ok = result.returncode == 0 and unchanged and setup.returncode == 0
    print(f"before {before}\nafter  {after}\nsetup: {setup.stdout.strip()} {setup.stderr.strip()}")
    return {"environment": env.name, "install": "pass" if result.returncode == 0 else "FAIL",
            "versions unchanged": "yes" if unchanged else f"NO: {before} -> {after}",
            "setup()": "pass" if setup.returncode == 0 else "FAIL", "ok": ok}


def table(rows, colab) -> str:
    lines = ["| environment | Python | TensorFlow | Keras | NumPy | unit tests | lessons "
             "(configuration) | whole course |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['environment']} ({r['why']}) | {r['python']} | {r['tensorflow']} | "
                     f"{r['keras']} | {r['numpy']} | {r['unit tests']} | {r['lessons']} "
                     f"({r['config']}) | {r['course seconds']} s |")
    if colab:
        lines += ["", f"Colab install path ({colab['environment']}, TensorFlow preinstalled, the lessons' "
                  f"install command against a local wheel): install {colab['install']}, "
                  f"TensorFlow/Keras/NumPy unchanged: {colab['versions unchanged']}, "
                  f"bmlearn.setup(): {colab['setup()']}."]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="bmlearn's compatibility matrix")
    parser.add_argument("--env", action="append", choices=[e.name for e in ENVIRONMENTS],
                        help="run only this environment (repeatable); default: all")
    parser.add_argument("--python", help="interpreter to use (with a single --env), e.g. in CI")
    parser.add_argument("--skip-colab", action="store_true", help="skip the Colab install check")
    parser.add_argument("--prepare-only", action="store_true",
                        help="only create the environments (CI does this while `make test` runs)")
    args = parser.parse_args(argv)
    chosen = [e for e in ENVIRONMENTS if not args.env or e.name in args.env]
    if args.python and len(chosen) != 1:
        parser.error("--python needs exactly one --env")
    if args.prepare_only:
        for env in chosen:
            prepare(env, args.python)
        return 0
    rows = [check_env(env, args.python) for env in chosen]
    colab = None if args.skip_colab else check_colab_install(chosen[0], args.python)
    report = table(rows, colab)
    print("\n" + report)
    (ROOT / "_build").mkdir(exist_ok=True)
    (ROOT / "_build" / "compat.md").write_text(report + "\n")
    failed = any(r["unit tests"] != "pass" or r["lessons"] != "pass" for r in rows)
    return 1 if failed or (colab and not colab["ok"]) else 0


if __name__ == "__main__":
    sys.exit(main())
