"""Packaging beyond what ``pyproject.toml`` can say: the resources inside the wheel.

The scales, the model, the report styles, the samples and the icons live in the
repository's top-level ``resources/`` folder (the PyInstaller spec and the tests read them
there). Here that folder is shipped as the package data ``app/resources/`` so that a plain
``pip install .`` has them; :func:`app.core.paths.resources_dir` finds either.
Everything else (name, version, dependencies, extras) is in ``pyproject.toml``.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["app", "app.*"]), "app.resources"],
    package_dir={"app.resources": "resources"},
    package_data={"app.resources": ["**/*"]},
)
