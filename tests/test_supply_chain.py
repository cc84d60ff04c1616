"""The lock files, the Dockerfile and the Makefile install only what pyproject.toml names, pinned by hash."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
RUNTIME_LOCK, DEV_LOCK = ROOT / "requirements.lock", ROOT / "requirements-dev.lock"
REMEDY = "run `make lock` and commit both lock files"

PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;\\]+)")
HASH = re.compile(r"--hash=sha256:(?P<digest>[0-9a-f]{64})\b")
VIA = re.compile(r"^\s*# via (?P<sources>.+)$")
DIGEST_PIN = re.compile(r"@sha256:[0-9a-f]{64}\b")


@dataclass
class Pin:
    version: str
    hashes: set[str] = field(default_factory=set)
    via: set[str] = field(default_factory=set)


def read_lock(path: Path) -> dict[str, Pin]:
    """The pins of a lock file made by `make lock` (uv's `--annotation-style line`), by canonical name."""
    pins: dict[str, Pin] = {}
    current: Pin | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if pin := PIN.match(line):
            current = pins[canonicalize_name(pin["name"])] = Pin(pin["version"])
        if current is None:
            continue
        current.hashes.update(HASH.findall(line))
        if via := VIA.match(line):
            current.via.update(source.strip() for source in via["sources"].split(","))
    return pins


def requirements(*, dev: bool) -> list[Requirement]:
    project = PYPROJECT["project"]
    listed = [*project["dependencies"], *PYPROJECT["build-system"]["requires"]]
    if dev:
        listed += project["optional-dependencies"]["dev"]
    return [Requirement(text) for text in listed]


LOCKS = [pytest.param(RUNTIME_LOCK, False, id="runtime"), pytest.param(DEV_LOCK, True, id="dev")]


@pytest.mark.parametrize(("lock", "dev"), LOCKS)
def test_the_lock_pins_every_requirement_of_pyproject_at_its_version(lock: Path, dev: bool) -> None:
    pins = read_lock(lock)
    for requirement in requirements(dev=dev):
        pin = pins.get(canonicalize_name(requirement.name))
        assert pin is not None, f"{requirement} is in pyproject.toml but not in {lock.name}: {REMEDY}"
        assert requirement.specifier.contains(pin.version, prereleases=True), (
            f"{lock.name} pins {requirement.name}=={pin.version}, pyproject.toml asks for {requirement}: "
            + REMEDY
        )


@pytest.mark.parametrize(("lock", "dev"), LOCKS)
def test_the_lock_has_the_packages_that_extras_bring(lock: Path, dev: bool) -> None:
    pins = read_lock(lock)
    for requirement in requirements(dev=dev):
        for extra in requirement.extras:
            brought = [
                Requirement(text)
                for text in metadata.requires(requirement.name) or []
                if (marker := Requirement(text).marker) is not None and marker.evaluate({"extra": extra})
            ]
            assert brought, f"{requirement.name}[{extra}] brings nothing in the installed metadata"
            for needed in brought:
                missing = f"{needed.name} (from {requirement}) is not in {lock.name}: {REMEDY}"
                assert canonicalize_name(needed.name) in pins, missing


@pytest.mark.parametrize(("lock", "dev"), LOCKS)
def test_nothing_in_the_lock_is_a_direct_dependency_pyproject_no_longer_has(lock: Path, dev: bool) -> None:
    named = {canonicalize_name(requirement.name) for requirement in requirements(dev=dev)}
    direct = {name for name, pin in read_lock(lock).items() if "pacer (pyproject.toml)" in pin.via}
    assert direct, f"no pin in {lock.name} says `via pacer (pyproject.toml)`: is it made by `make lock`?"
    assert direct <= named, f"{lock.name} still pins {sorted(direct - named)} for pacer: {REMEDY}"


@pytest.mark.parametrize(("lock", "dev"), LOCKS)
def test_every_pin_is_exact_and_hashed(lock: Path, dev: bool) -> None:
    text = lock.read_text(encoding="utf-8")
    pins = read_lock(lock)
    entries = [line for line in text.splitlines() if line and not line[0].isspace() and line[0] != "#"]
    assert len(entries) == len(pins), f"{lock.name} has lines that are not `name==version` pins"
    for name, pin in pins.items():
        assert pin.hashes, f"{name}=={pin.version} has no --hash in {lock.name}"
    assert "CPython 3.11 on Linux x86_64" in text, f"{lock.name} must say which platform it is for"


def test_the_runtime_lock_and_the_dev_lock_agree() -> None:
    """CI tests what the Docker image runs: every runtime pin is in the dev lock, same version and files."""
    runtime, dev = read_lock(RUNTIME_LOCK), read_lock(DEV_LOCK)
    for name, pin in runtime.items():
        assert name in dev, f"{name} is in requirements.lock but not in requirements-dev.lock: {REMEDY}"
        assert (dev[name].version, dev[name].hashes) == (pin.version, pin.hashes), f"{name} differs: {REMEDY}"


def makefile_value(name: str) -> str:
    found = re.search(rf"^{name} := (\S+)$", (ROOT / "Makefile").read_text(encoding="utf-8"), re.MULTILINE)
    assert found, f"the Makefile has no `{name} := …`"
    return found[1]


def test_the_dockerfile_pins_its_base_image_and_installs_by_hash() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    bases = re.findall(r"^FROM\s+(\S+)", dockerfile, re.MULTILINE)
    assert len(bases) == 2, bases
    for base in bases:
        assert DIGEST_PIN.search(base), f"FROM {base} is not pinned by digest (@sha256:…)"
        # The image's Python is the one the lock is made for.
        assert base.startswith(f"python:{makefile_value('LOCK_PYTHON')}."), base
    installs = re.findall(r"pip install [^\n]*", dockerfile)
    assert "pip install --no-cache-dir --require-hashes -r requirements.lock" in installs
    for install in installs:
        assert "--require-hashes" in install or "--no-deps" in install, install
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    assert "requirements.lock" not in ignored, "the image needs requirements.lock"


def test_make_install_installs_only_from_the_dev_lock() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    stamp_rule = makefile.split("\n$(STAMP):", 1)[1].split("\n\n", 1)[0]
    assert "$(LOCK) $(DEV_LOCK)" in stamp_rule.splitlines()[0], "a changed lock must redo the install"
    installs = re.findall(r"pip install [^\n]*", stamp_rule)
    assert installs == [
        "pip install --quiet --require-hashes -r $(DEV_LOCK)",
        "pip install --quiet --no-deps --no-build-isolation -e .",
    ]
    assert makefile_value("DEV_LOCK") == DEV_LOCK.name
