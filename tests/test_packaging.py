"""What `pip install .` (the container's install, not the editable one the tests run on) ships:
every file Gingham reads at run time must match a package-data pattern, or the installed copy
fails where the checkout works."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

ROOT = Path(__file__).parent.parent


def test_every_data_file_is_shipped() -> None:
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]["gingham"]
    package = ROOT / "gingham"
    data_files = [
        path.relative_to(package).as_posix()
        for path in package.rglob("*")
        if path.is_file() and path.suffix not in (".py", ".pyc")
    ]
    assert data_files
    unshipped = [name for name in data_files if not any(fnmatch.fnmatch(name, p) for p in patterns)]
    assert unshipped == []
