from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from healer.config.settings import Gate, Stage
from healer.config.write import StagesExistError, TargetFileError, render_stages, write_config

STAGES = (
    Stage(
        name="ruff",
        run="ruff check .",
        kind="lint",
        inputs=("**/*.py", "pyproject.toml"),
        versions=("ruff --version",),
        fix="ruff check --fix .",
        parser="ruff",
    ),
    Stage(
        name="pytest",
        run=("pytest", "-q", "-m", "not slow"),
        kind="test",
        shell=False,
        needs=("ruff",),
        env=(("PYTHONHASHSEED", "0"), ("COVERAGE_FILE", ".cov")),
        env_inputs=("CI",),
        timeout=600.0,
        fix=("pytest", "--lf"),
        cwd="backend",
        cache=False,
        gate=Gate(metric="coverage", pattern=r"TOTAL.*\s(\d+)%", minimum=85.0, file="cov.txt"),
    ),
    Stage(name="docs", run="set -e\nmake -C docs html\n", shell=True, timeout=12.5),
)
EXPECTED = {
    "ruff": {
        "run": "ruff check .",
        "kind": "lint",
        "inputs": ["**/*.py", "pyproject.toml"],
        "versions": ["ruff --version"],
        "fix": "ruff check --fix .",
        "parser": "ruff",
    },
    "pytest": {
        "run": ["pytest", "-q", "-m", "not slow"],
        "kind": "test",
        "needs": ["ruff"],
        "env": {"PYTHONHASHSEED": "0", "COVERAGE_FILE": ".cov"},
        "env_inputs": ["CI"],
        "timeout": 600,
        "fix": ["pytest", "--lf"],
        "cwd": "backend",
        "cache": False,
        "gate": {
            "metric": "coverage",
            "pattern": r"TOTAL.*\s(\d+)%",
            "min": 85.0,
            "file": "cov.txt",
        },
    },
    "docs": {"run": "set -e\nmake -C docs html\n", "shell": True, "timeout": 12.5},
}

PYPROJECT = """\
# Project metadata — keep in sync with docs/ (note the unicode: café)
[project]
name = "acme"   # the distribution name
version = "1.2.3"
dependencies = [
    "httpx>=0.27",  # HTTP client
]

[tool.ruff]
line-length = 100

[tool.ruff.lint]
select = ["E", "F"]   # keep small
# trailing comment at the end"""


def test_render_for_healer_toml_round_trips() -> None:
    text = render_stages(STAGES, prefix="")
    assert text.startswith("# Stages detected by `healer init`")
    assert "[stages.ruff]" in text
    assert "[stages.pytest.gate]" in text
    assert tomllib.loads(text) == {"stages": EXPECTED}


def test_render_for_pyproject_nests_under_tool_healer() -> None:
    text = render_stages(STAGES, prefix="tool.healer")
    assert "\n[tool.healer.stages.ruff]\n" in text
    assert "[tool]" not in text
    assert "[tool.healer]\n" not in text
    assert tomllib.loads(text) == {"tool": {"healer": {"stages": EXPECTED}}}


def test_defaults_are_left_out() -> None:
    text = render_stages([Stage(name="x", run="make check")], prefix="")
    assert text.splitlines()[-2:] == ["[stages.x]", 'run = "make check"']


def test_no_stages_still_writes_the_section() -> None:
    assert tomllib.loads(render_stages([], prefix="tool.healer")) == {"tool": {"healer": {"stages": {}}}}


def test_duplicate_names_are_refused() -> None:
    with pytest.raises(ValueError, match="two stages are named 'ruff'"):
        render_stages([STAGES[0], STAGES[0]], prefix="")


TEXT = st.text(st.characters(codec="utf-8"))


@given(
    TEXT,
    st.lists(TEXT, max_size=4),
    st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True),
)
def test_any_text_round_trips(run: str, argv: list[str], variable: str) -> None:
    stage = Stage(
        name="s",
        run=run,
        fix=tuple(argv),
        env=((variable, run),),
        gate=Gate(metric=run, pattern=run),
    )
    table = tomllib.loads(render_stages([stage], prefix=""))["stages"]["s"]
    assert table["run"] == run
    assert table["fix"] == argv
    assert table["env"] == {variable: run}
    assert table["gate"] == {"metric": run, "pattern": run}


def test_write_creates_healer_toml(tmp_path: Path) -> None:
    path = write_config(tmp_path, STAGES, target="healer.toml")
    assert path == tmp_path / "healer.toml"
    assert path.read_text(encoding="utf-8") == render_stages(STAGES, prefix="")
    assert tomllib.loads(path.read_text(encoding="utf-8")) == {"stages": EXPECTED}


def test_new_file_mode_follows_the_umask(tmp_path: Path) -> None:
    previous = os.umask(0o027)
    try:
        path = write_config(tmp_path, STAGES, target="healer.toml")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_write_appends_to_pyproject_keeping_every_byte(tmp_path: Path) -> None:
    original = PYPROJECT.encode("utf-8")
    (tmp_path / "pyproject.toml").write_bytes(original)
    path = write_config(tmp_path, STAGES, target="pyproject")
    written = path.read_bytes()
    assert written.startswith(original)
    added = written[len(original) :].decode("utf-8")
    assert added == "\n\n" + render_stages(STAGES, prefix="tool.healer")
    data = tomllib.loads(written.decode("utf-8"))
    assert data["tool"]["healer"] == {"stages": EXPECTED}
    assert data["tool"]["ruff"] == {"line-length": 100, "lint": {"select": ["E", "F"]}}
    assert data["project"]["name"] == "acme"


def test_crlf_files_stay_crlf(tmp_path: Path) -> None:
    original = b'[project]\r\nname = "acme"\r\n'
    (tmp_path / "pyproject.toml").write_bytes(original)
    written = write_config(tmp_path, STAGES[:1], target="pyproject").read_bytes()
    assert written.startswith(original + b"\r\n# Stages detected")
    assert b"\n" not in written.replace(b"\r\n", b"")


def test_pyproject_is_created_when_missing(tmp_path: Path) -> None:
    path = write_config(tmp_path, STAGES, target="pyproject")
    assert tomllib.loads(path.read_text(encoding="utf-8")) == {"tool": {"healer": {"stages": EXPECTED}}}


@pytest.mark.parametrize(
    ("target", "name", "content", "section"),
    [
        ("pyproject", "pyproject.toml", "[tool.healer]\njobs = 4\n", "[tool.healer]"),
        (
            "pyproject",
            "pyproject.toml",
            '[tool.healer.stages.t]\nrun = "pytest"\n',
            "[tool.healer]",
        ),
        ("healer.toml", "healer.toml", '[stages.t]\nrun = "pytest"\n', "[stages]"),
    ],
)
def test_refuses_to_overwrite_without_force(tmp_path: Path, target: str, name: str, content: str, section: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(StagesExistError) as caught:
        write_config(tmp_path, STAGES, target=target, force=False)  # type: ignore[arg-type]
    assert str(caught.value) == (f"{path} already has a {section} section; edit it, or overwrite its stages with force")
    assert isinstance(caught.value, FileExistsError)
    assert path.read_text(encoding="utf-8") == content


def test_force_replaces_the_stages_and_keeps_other_settings(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text(
        '[project]\nname = "acme"\n\n[tool.healer]\njobs = 4  # four cores\n\n'
        '[tool.healer.stages.old]\nrun = "make old"\n\n[tool.black]\nline-length = 90\n',
        encoding="utf-8",
    )
    write_config(tmp_path, STAGES[:1], target="pyproject", force=True)
    text = path.read_text(encoding="utf-8")
    assert "jobs = 4  # four cores" in text
    assert "make old" not in text
    data = tomllib.loads(text)
    assert data["tool"]["healer"] == {"jobs": 4, "stages": {"ruff": EXPECTED["ruff"]}}
    assert data["tool"]["black"] == {"line-length": 90}


def test_healer_toml_with_other_settings_gets_stages(tmp_path: Path) -> None:
    path = tmp_path / "healer.toml"
    path.write_text("jobs = 2\n", encoding="utf-8")
    write_config(tmp_path, STAGES[2:], target="healer.toml")
    assert path.read_text(encoding="utf-8").startswith("jobs = 2\n\n# Stages detected")
    assert tomllib.loads(path.read_text(encoding="utf-8")) == {
        "jobs": 2,
        "stages": {"docs": EXPECTED["docs"]},
    }


def test_write_is_atomic_and_keeps_the_mode(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text(PYPROJECT, encoding="utf-8")
    path.chmod(0o604)
    inode = path.stat().st_ino
    write_config(tmp_path, STAGES, target="pyproject")
    assert stat.S_IMODE(path.stat().st_mode) == 0o604
    assert path.stat().st_ino != inode  # replaced by rename, never rewritten in place
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pyproject.toml"]


def test_symlinked_pyproject_stays_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "shared" / "pyproject.toml"
    real.parent.mkdir()
    real.write_text(PYPROJECT, encoding="utf-8")
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").symlink_to(real)
    write_config(project, STAGES, target="pyproject")
    assert (project / "pyproject.toml").is_symlink()
    assert "[tool.healer.stages.ruff]" in real.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"[project\nname = 1\n", "not valid TOML"),
        (b"[project]\nname = '\xe9'\n", "not UTF-8"),
        (b'tool = "a string"\n', "adding the stages would make it invalid TOML"),
    ],
)
def test_unusable_pyproject_is_left_alone(tmp_path: Path, content: bytes, problem: str) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_bytes(content)
    with pytest.raises(TargetFileError, match=problem):
        write_config(tmp_path, STAGES, target="pyproject")
    assert path.read_bytes() == content
    assert [p.name for p in tmp_path.iterdir()] == ["pyproject.toml"]


def test_unknown_target_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"unknown target 'setup\.cfg'"):
        write_config(tmp_path, STAGES, target="setup.cfg")  # type: ignore[arg-type]
