"""Build the offline install bundle: ``python scripts/bundle.py [--out DIR]``.

The bundle lets a machine with no internet install the app: the project's wheel, the wheel of
every dependency for Linux x86_64 (manylinux, glibc 2.28 or newer) and Windows amd64 on
Python 3.11, 3.12 and 3.13, the exact versions as a constraints file, and install scripts
(``install.sh``; ``install.bat``, which runs ``install.ps1``) that make a virtual environment
and install from the bundle with ``pip --no-index``. It is written as a folder and as a zip of
that folder::

    dist/survey-0.1.0-offline/
        wheels/            every wheel
        constraints.txt    the versions tested (constraints.txt of the repository)
        install.sh  install.bat  install.ps1  start.bat  README.txt
        SHA256SUMS         a checksum of every other file
    dist/survey-0.1.0-offline.zip

The versions are the repository's ``constraints.txt``. For each platform and Python version
the script downloads exactly the pins that apply there (their markers, evaluated for that
platform), then follows every wheel's ``Requires-Dist`` from the project's own and fails when
a dependency has no pin, a pin is outside what a dependant allows, or a pin is not needed:
pip cannot check this itself, since it evaluates markers for the machine it runs on, not for
the target. The build is reproducible: the project's wheel is built with ``SOURCE_DATE_EPOCH``
set to the last commit's time, dependencies are the pinned files of the package index, and
the zip has sorted entries with fixed times, so the same commit and constraints give the same
files, byte for byte (``SHA256SUMS`` shows it).
"""

from __future__ import annotations

import argparse
import email.parser
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

try:
    from packaging.markers import Marker
    from packaging.requirements import Requirement
    from packaging.tags import compatible_tags, cpython_tags
    from packaging.utils import canonicalize_name, parse_wheel_filename
except ImportError:  # pip always carries a copy
    from pip._vendor.packaging.markers import Marker
    from pip._vendor.packaging.requirements import Requirement
    from pip._vendor.packaging.tags import compatible_tags, cpython_tags
    from pip._vendor.packaging.utils import canonicalize_name, parse_wheel_filename

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = Path(__file__).resolve().parent / "bundle"
PYTHONS = ("3.11", "3.12", "3.13")
#: glibc 2.28 is the newest that a pinned wheel needs (Pillow, greenlet); older tags also fit.
LINUX_PLATFORMS = (
    *(f"manylinux_2_{minor}_x86_64" for minor in range(28, 16, -1)),
    "manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64",
)
WINDOWS_PLATFORMS = ("win_amd64",)
#: Files written with Windows line ends (and a byte-order mark for PowerShell 5, which reads a
#: file without one in the legacy code page and garbles Vietnamese).
WINDOWS_FILES = {"install.bat": False, "install.ps1": True, "start.bat": False}


class BundleError(Exception):
    pass


@dataclass(frozen=True)
class Target:
    python: str
    system: str  # "linux" or "windows"

    def __str__(self) -> str:
        return f"{self.system} Python {self.python}"

    @property
    def platforms(self) -> tuple[str, ...]:
        return WINDOWS_PLATFORMS if self.system == "windows" else LINUX_PLATFORMS

    @property
    def environment(self) -> dict[str, str]:
        """The marker variables (PEP 508) of this platform, for evaluating ``; markers``."""
        windows = self.system == "windows"
        return {
            "implementation_name": "cpython",
            "implementation_version": f"{self.python}.0",
            "os_name": "nt" if windows else "posix",
            "platform_machine": "AMD64" if windows else "x86_64",
            "platform_python_implementation": "CPython",
            "platform_release": "",
            "platform_system": "Windows" if windows else "Linux",
            "platform_version": "",
            "python_full_version": f"{self.python}.0",
            "python_version": self.python,
            "sys_platform": "win32" if windows else "linux",
            "extra": "",
        }

    def applies(self, marker: Marker | None, extras: frozenset[str] = frozenset()) -> bool:
        if marker is None:
            return True
        return any(marker.evaluate(self.environment | {"extra": extra})
                   for extra in {"", *extras})


TARGETS = tuple(Target(python, system) for system in ("linux", "windows") for python in PYTHONS)


@dataclass(frozen=True)
class Pin:
    name: str
    version: str
    marker: Marker | None
    line: str


def read_pins(path: Path) -> dict[str, Pin]:
    """``name==version [; marker]`` lines of a constraints file."""
    pins: dict[str, Pin] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        requirement = Requirement(line)
        specifiers = list(requirement.specifier)
        if len(specifiers) != 1 or specifiers[0].operator != "==":
            raise BundleError(f"{path.name}: '{line}' is not an exact pin (name==version)")
        name = canonicalize_name(requirement.name)
        if name in pins:
            raise BundleError(f"{path.name}: {name} is pinned twice")
        pins[name] = Pin(name, specifiers[0].version, requirement.marker, line)
    return pins


def source_date_epoch() -> str:
    """``SOURCE_DATE_EPOCH`` if set, else the last commit's time: the wheel's file times."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return os.environ["SOURCE_DATE_EPOCH"]
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%ct"],
                             capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        out = ""
    return out or "315532800"  # 1980-01-01, the earliest time a zip can hold


def pip(*args: str) -> None:
    command = [sys.executable, "-m", "pip", "--disable-pip-version-check", *args]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise BundleError(f"pip {args[0]} failed:\n{result.stdout}{result.stderr}")


def build_project_wheel(into: Path, epoch: str) -> Path:
    """Build the project's wheel from a clean build folder (stale files would ship)."""
    shutil.rmtree(ROOT / "build", ignore_errors=True)
    env = os.environ | {"SOURCE_DATE_EPOCH": epoch}
    command = [sys.executable, "-m", "pip", "--disable-pip-version-check", "wheel", "--quiet",
               "--no-deps", "--wheel-dir", str(into), str(ROOT)]
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    shutil.rmtree(ROOT / "build", ignore_errors=True)
    if result.returncode != 0:
        raise BundleError(f"building the project's wheel failed:\n{result.stdout}{result.stderr}")
    [wheel] = into.glob("survey-*.whl")
    return wheel


def download(target: Target, pins: list[Pin], into: Path) -> None:
    """The wheels of ``pins`` for ``target`` (binary only: nothing is compiled offline)."""
    platforms = [arg for platform in target.platforms for arg in ("--platform", platform)]
    pip("download", "--quiet", "--quiet", "--no-deps", "--only-binary=:all:",
        "--implementation", "cp", "--python-version", target.python, *platforms,
        "--dest", str(into), *(f"{pin.name}=={pin.version}" for pin in pins))


def requires(wheel: Path) -> list[Requirement]:
    """The ``Requires-Dist`` of a wheel."""
    with zipfile.ZipFile(wheel) as archive:
        [metadata] = [n for n in archive.namelist()
                      if n.count("/") == 1 and n.endswith(".dist-info/METADATA")]
        message = email.parser.Parser().parsestr(archive.read(metadata).decode("utf-8"))
    return [Requirement(value) for value in message.get_all("Requires-Dist") or []]


def check_closure(target: Target, project: Path, wheels: dict[str, Path],
                  pins: dict[str, Pin]) -> list[str]:
    """Follow the dependencies from the project's wheel; return every problem found."""
    problems: list[str] = []
    needed: set[str] = set()
    queue: list[tuple[str, Path, frozenset[str]]] = [("survey", project, frozenset())]
    seen: set[tuple[str, frozenset[str]]] = set()
    while queue:
        dependant, wheel, extras = queue.pop(0)  # breadth first: problems in file order
        if (dependant, extras) in seen:
            continue
        seen.add((dependant, extras))
        for requirement in requires(wheel):
            if not target.applies(requirement.marker, extras):
                continue
            name = canonicalize_name(requirement.name)
            pin = pins.get(name)
            if pin is None or not target.applies(pin.marker):
                problems.append(f"{target}: {dependant} needs {requirement}, "
                                f"which constraints.txt does not pin for this platform")
                continue
            if not requirement.specifier.contains(pin.version, prereleases=True):
                problems.append(f"{target}: {dependant} needs {requirement}, "
                                f"but constraints.txt pins {pin.line}")
            needed.add(name)
            queue.append((name, wheels[name], frozenset(requirement.extras)))
    for name in sorted(set(wheels) - needed):
        problems.append(f"{target}: {pins[name].line} is in constraints.txt but nothing needs it")
    return problems


def best_wheels(target: Target, folder: Path, pins: list[Pin]) -> dict[str, Path]:
    """For each pin, the wheel in ``folder`` that pip on ``target`` would install."""
    major, minor = (int(part) for part in target.python.split("."))
    interpreter = f"cp{major}{minor}"
    ranked = [*cpython_tags((major, minor), [interpreter], list(target.platforms)),
              *compatible_tags((major, minor), interpreter, list(target.platforms))]
    rank = {tag: i for i, tag in enumerate(ranked)}
    chosen: dict[str, Path] = {}
    for pin in pins:
        candidates = []
        for path in folder.glob("*.whl"):
            name, version, _build, tags = parse_wheel_filename(path.name)
            if canonicalize_name(name) == pin.name and str(version) == pin.version:
                fits = [rank[tag] for tag in tags if tag in rank]
                if fits:
                    candidates.append((min(fits), path.name, path))
        if not candidates:
            raise BundleError(f"{target}: no wheel of {pin.name}=={pin.version} fits")
        chosen[pin.name] = min(candidates)[2]
    return chosen


def collect(project: Path, pins: dict[str, Pin], wheels_dir: Path) -> None:
    """Download every target's wheels into ``wheels_dir`` and check each target's closure.

    One folder for all: pip skips a file that is there already, so a wheel for any platform
    (most are) is fetched once; :func:`best_wheels` then picks each target's files by their
    tags, in pip's order of preference.
    """
    problems: list[str] = []
    for target in TARGETS:
        started = time.monotonic()
        applicable = [pin for pin in pins.values() if target.applies(pin.marker)]
        download(target, applicable, wheels_dir)
        wheels = best_wheels(target, wheels_dir, applicable)
        problems += check_closure(target, project, wheels, pins)
        print(f"  {target}: {len(wheels)} wheels ({time.monotonic() - started:.1f} s)")
    if problems:
        raise BundleError("the constraints do not match the dependencies:\n  "
                          + "\n  ".join(problems))


def write_text(path: Path, text: str, *, windows: bool = False, bom: bool = False) -> None:
    if windows:
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def files_of(folder: Path) -> list[Path]:
    return sorted((p for p in folder.rglob("*") if p.is_file()),
                  key=lambda p: p.relative_to(folder).as_posix())


def write_zip(folder: Path, archive: Path, epoch: str) -> None:
    """A zip of ``folder`` that depends on nothing but its files' contents."""
    stamp = time.gmtime(max(int(epoch), 315532800))[:6]
    with zipfile.ZipFile(archive, "w") as out:
        for path in files_of(folder):
            name = f"{folder.name}/{path.relative_to(folder).as_posix()}"
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.create_system = 3  # unix, so that the modes below are read
            executable = path.suffix == ".sh"
            info.external_attr = (0o100755 if executable else 0o100644) << 16
            stored = path.suffix == ".whl"  # compressed already
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            with path.open("rb") as f, out.open(info, "w") as dest:
                shutil.copyfileobj(f, dest, 1 << 20)


def build(out: Path, *, archive: bool = True) -> Path:
    """Build the bundle in ``out``; return its folder."""
    pins = read_pins(ROOT / "constraints.txt")
    epoch = source_date_epoch()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bundle-", dir=out) as tmp:
        scratch = Path(tmp)
        print("Building the project's wheel")
        project = build_project_wheel(scratch / "project", epoch)
        version = parse_wheel_filename(project.name)[1]
        folder = scratch / f"survey-{version}-offline"
        wheels_dir = folder / "wheels"
        wheels_dir.mkdir(parents=True)
        shutil.copy2(project, wheels_dir / project.name)
        print("Downloading the dependencies' wheels")
        collect(project, pins, wheels_dir)

        header = (f"# survey {version}: the versions its tests ran with "
                  "(constraints.txt of the repository).\n")
        write_text(folder / "constraints.txt",
                   header + "".join(f"{pins[name].line}\n" for name in sorted(pins)))
        for template in sorted(TEMPLATES.iterdir()):
            text = template.read_text(encoding="utf-8").replace("@VERSION@", str(version))
            if template.name in WINDOWS_FILES:
                write_text(folder / template.name, text, windows=True,
                           bom=WINDOWS_FILES[template.name])
            else:
                write_text(folder / template.name, text)
        (folder / "install.sh").chmod(0o755)
        sums = "".join(f"{sha256(p)}  {p.relative_to(folder).as_posix()}\n"
                       for p in files_of(folder))
        write_text(folder / "SHA256SUMS", sums)

        final = out / folder.name
        shutil.rmtree(final, ignore_errors=True)
        shutil.move(str(folder), final)
    if archive:
        print("Writing the zip")
        zipped = out / f"{final.name}.zip"
        write_zip(final, zipped.with_suffix(".tmp"), epoch)
        os.replace(zipped.with_suffix(".tmp"), zipped)
    return final


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist",
                        help="where the bundle's folder and zip go (default: dist/)")
    parser.add_argument("--no-zip", action="store_true", help="write the folder only")
    args = parser.parse_args()
    started = time.monotonic()
    try:
        folder = build(args.out.resolve(), archive=not args.no_zip)
    except BundleError as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    wheels = len(list((folder / "wheels").glob("*.whl")))
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    print(f"{folder} ({wheels} wheels, {size / 1e6:.0f} MB) in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
