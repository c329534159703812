"""environment.yml and pyproject.toml list the same dependencies."""

from __future__ import annotations

import re
import tomllib

import yaml

from .conftest import ROOT


def _name(spec: str) -> str:
    return re.split(r"[<>=!~ \[]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _spec(spec: str) -> str:
    return re.sub(r"\[[^\]]*\]", "", spec.replace(" ", ""))  # "dask[dataframe]>=X" is conda's "dask>=X"


def test_environment_yml_and_pyproject_agree():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    wanted = {_name(d): _spec(d) for d in project["dependencies"] + extras["test"] + extras["dask"] + extras["lab"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = {_name(d): _spec(d) for d in env["dependencies"] if isinstance(d, str) and not d.startswith(("python", "pip"))}
    assert conda == wanted
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    pip_names = {_name(d.split("#")[0]): _spec(d.split("#")[0]) for d in pip_section if not d.startswith("-e")}
    assert pip_names == {_name(d): _spec(d) for d in extras["fast"]}  # hyperscan: from PyPI, not conda-forge


def test_python_floor_matches():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert project["requires-python"] == ">=3.11" and "python>=3.11" in env["dependencies"]
