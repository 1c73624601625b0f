"""Packaging beyond what ``pyproject.toml`` can say: the resources inside the wheel.

The scales, the model, the report styles, the samples and the icons live in the
repository's top-level ``resources/`` folder (the PyInstaller spec and the tests read them
there). Here that folder is shipped as the package data ``app/resources/`` so that a plain
``pip install .`` has them; :func:`app.core.paths.resources_dir` finds either.
Everything else (name, version, dependencies, extras) is in ``pyproject.toml``.
"""

from pathlib import Path

from setuptools import find_packages, setup

# Each folder of resources/ is named as a package of its own: Python could import it (a
# namespace package), and setuptools warns about, and may one day leave out, a data folder
# it sees as a package nobody listed.
FOLDERS = sorted(
    p.name for p in Path(__file__).parent.joinpath("resources").iterdir() if p.is_dir()
)
RESOURCES = ["app.resources", *(f"app.resources.{name}" for name in FOLDERS)]

setup(
    packages=[*find_packages(include=["app", "app.*"]), *RESOURCES],
    package_dir={"app.resources": "resources"},
    package_data={package: ["*"] for package in RESOURCES},
)
