"""Validation of [tool.healer] / healer.toml: good configs load, bad ones name file, key and problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from healer.config.errors import ConfigError
from healer.config.load import load_config
from healer.config.settings import Config, Gate

from ..conftest import Repo, RunHealer


def load(repo: Repo, toml: str, *, pyproject: bool = False) -> Config:
    if pyproject:
        repo.write("pyproject.toml", toml)
    else:
        repo.config(toml)
    return load_config(repo.path)


def error(repo: Repo, toml: str, *, pyproject: bool = False) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load(repo, toml, pyproject=pyproject)
    return caught.value


def test_full_stage_loads_with_every_key(repo: Repo) -> None:
    config = load(
        repo,
        """
        jobs = 3
        [stages.lint]
        run = ["ruff", "check", "."]
        kind = "lint"
        inputs = ["*.py"]
        fix = "ruff check --fix ."
        parser = "ruff"
        [stages.test]
        run = "pytest -q"
        kind = "test"
        needs = ["lint"]
        env = { PYTHONHASHSEED = "0" }
        env_inputs = ["PYTHONPATH"]
        versions = ["pytest --version"]
        timeout = 90
        cwd = "src"
        cache = false
        [stages.test.gate]
        metric = "coverage"
        min = 85
        """,
    )
    assert config.jobs == 3
    lint, test = config.stages
    assert lint.argv() == ["ruff", "check", "."]
    assert lint.fix_argv() == ["ruff", "check", "--fix", "."]
    assert test.argv() == ["pytest", "-q"]
    assert test.needs == ("lint",)
    assert test.env == (("PYTHONHASHSEED", "0"),)
    assert test.timeout == 90.0
    assert test.cache is False
    assert isinstance(test.gate, Gate) and test.gate.minimum == 85.0
    assert "TOTAL" in test.gate.pattern


def test_shell_stage_runs_through_sh(repo: Repo) -> None:
    config = load(repo, '[stages.x]\nrun = "echo a && echo b"\nshell = true\n')
    assert config.stages[0].argv() == ["/bin/sh", "-c", "echo a && echo b"]


def test_pyproject_table_is_read_with_its_prefix(repo: Repo) -> None:
    config = load(repo, '[project]\nname = "x"\n[tool.healer.stages.a]\nrun = "true"\n', pyproject=True)
    assert config.names == ("a",)
    assert config.source.endswith("pyproject.toml")


def test_healer_toml_wins_over_pyproject(repo: Repo) -> None:
    repo.write("pyproject.toml", '[tool.healer.stages.from_pyproject]\nrun = "true"\n')
    repo.config('[stages.from_healer_toml]\nrun = "true"\n')
    assert load_config(repo.path).names == ("from_healer_toml",)


def test_unknown_key_suggests_the_close_one_with_file_and_line(repo: Repo) -> None:
    problem = error(repo, '[stages.lint]\nrun = "ruff check ."\nkidn = "lint"\n')
    assert problem.key == "stages.lint.kidn"
    assert "did you mean 'kind'" in problem.problem
    assert problem.line == 3
    assert str(problem).startswith(f"{repo.path / 'healer.toml'}:3: stages.lint.kidn: unknown key")


def test_unknown_key_in_pyproject_names_the_full_key(repo: Repo) -> None:
    problem = error(repo, '[tool.healer.stages.lint]\nrun = "x"\ntimout = 3\n', pyproject=True)
    assert problem.key == "tool.healer.stages.lint.timout"
    assert "did you mean 'timeout'" in problem.problem


@pytest.mark.parametrize(
    ("toml", "key", "fragment"),
    [
        ('[stages.a]\nkind = "lint"\n', "stages.a.run", "missing"),
        ('[stages.a]\nrun = ""\n', "stages.a.run", "empty"),
        ("[stages.a]\nrun = 3\n", "stages.a.run", "got number 3"),
        ('[stages.a]\nrun = "echo \'unclosed"\n', "stages.a.run", "cannot split"),
        ('[stages.a]\nrun = "x"\nkind = "lnt"\n', "stages.a.kind", "did you mean 'lint'"),
        ('[stages.a]\nrun = "x"\nshell = "yes"\n', "stages.a.shell", "true or false"),
        ('[stages.a]\nrun = "x"\ninputs = "*.py"\n', "stages.a.inputs", "array of strings"),
        ('[stages.a]\nrun = "x"\ntimeout = -1\n', "stages.a.timeout", "positive"),
        ('[stages.a]\nrun = "x"\nenv = { A = 1 }\n', "stages.a.env.A", "a string"),
        ('[stages.a]\nrun = "x"\nparser = "rufff"\n', "stages.a.parser", "did you mean 'ruff'"),
        ('[stages.a]\nrun = "x"\ncwd = "../elsewhere"\n', "stages.a.cwd", "inside the repository"),
        ('[stages.a]\nrun = "x"\nneeds = ["b"]\n', "stages.a.needs", "no stage named 'b'"),
        ('[stages.a]\nrun = "x"\nneeds = ["a"]\n', "stages.a.needs", "cannot need itself"),
        (
            '[stages.a]\nrun = "x"\n[stages.a.gate]\nmetric = "speed"\nmin = 1\n',
            "stages.a.gate.pattern",
            "not built in",
        ),
        (
            '[stages.a]\nrun = "x"\n[stages.a.gate]\nmetric = "m"\npattern = "("\nmin = 1\n',
            "stages.a.gate.pattern",
            "invalid regular expression",
        ),
        (
            '[stages.a]\nrun = "x"\n[stages.a.gate]\nmetric = "m"\npattern = "x"\nmin = 1\n',
            "stages.a.gate.pattern",
            "group",
        ),
        ('[stages.a]\nrun = "x"\n[stages.a.gate]\nmetric = "coverage"\n', "stages.a.gate", "needs `min` or `max`"),
        ('jobs = 0\n[stages.a]\nrun = "x"\n', "jobs", "positive"),
        ('job = 2\n[stages.a]\nrun = "x"\n', "job", "did you mean 'jobs'"),
        ("jobs = 2\n", "stages", "no stages configured"),
        ('[stages."bad name"]\nrun = "x"\n', "stages.bad name", "letters, digits"),
    ],
)
def test_invalid_values_are_named(repo: Repo, toml: str, key: str, fragment: str) -> None:
    problem = error(repo, toml)
    assert problem.key == key
    assert fragment in problem.problem


def test_cycle_is_reported_with_its_path(repo: Repo) -> None:
    problem = error(
        repo,
        '[stages.a]\nrun = "x"\nneeds = ["b"]\n[stages.b]\nrun = "x"\nneeds = ["c"]\n[stages.c]\nrun = "x"\nneeds = ["a"]\n',
    )
    assert "cycle: a -> b -> c -> a" in problem.problem


def test_invalid_toml_reports_the_line(repo: Repo) -> None:
    problem = error(repo, '[stages.a]\nrun = "x"\nkind = \n')
    assert problem.line == 3
    assert "invalid TOML" in problem.problem


def test_non_utf8_config_is_a_clear_error(repo: Repo) -> None:
    (repo.path / "healer.toml").write_bytes(b'[stages.a]\nrun = "caf\xe9"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(repo.path)
    assert "not valid UTF-8 (byte 0xe9)" in str(caught.value)
    assert caught.value.line == 2


def test_broken_pyproject_is_an_error_even_without_healer_table(repo: Repo) -> None:
    repo.write("pyproject.toml", "[project\nname = 1\n")
    with pytest.raises(ConfigError) as caught:
        load_config(repo.path)
    assert caught.value.path == str(Path(repo.path / "pyproject.toml"))


def test_line_numbers_point_into_the_right_stage(repo: Repo) -> None:
    problem = error(repo, '[stages.a]\nrun = "true"\ncwd = "x"\n\n[stages.b]\nkind = "lint"\nrun = 5\n')
    assert (problem.key, problem.line) == ("stages.b.run", 7)
    problem = error(repo, '[stages.a]\nrun = "true"\ncwd = "x"\n[stages.b]\nrun = "true"\ncwd = "/abs"\n')
    assert (problem.key, problem.line) == ("stages.b.cwd", 6)


def test_line_numbers_in_pyproject_and_for_nested_tables(repo: Repo) -> None:
    text = '[project]\nname = "x"\n[tool.healer]\njob = 1\n[tool.healer.stages.a]\nrun = "x"\n[tool.healer.stages.a.gate]\nmetric = "coverage"\nmin = "high"\n'
    problem = error(repo, text, pyproject=True)
    assert (problem.key, problem.line) == ("tool.healer.job", 4)
    repo.write("pyproject.toml", text.replace("job = 1\n", ""))
    with pytest.raises(ConfigError) as caught:
        load_config(repo.path)
    assert (caught.value.key, caught.value.line) == ("tool.healer.stages.a.gate.min", 8)


@pytest.mark.parametrize("pattern", ["[z-a]", "[]", "[!]", ""])
def test_invalid_input_globs_are_refused_up_front(repo: Repo, pattern: str) -> None:
    problem = error(repo, f'[stages.a]\nrun = "true"\ninputs = ["*.py", "{pattern}"]\n')
    assert problem.key == "stages.a.inputs"


def test_infinite_timeout_is_refused(repo: Repo) -> None:
    assert error(repo, '[stages.a]\nrun = "true"\ntimeout = inf\n').key == "stages.a.timeout"


def test_byte_order_mark_is_accepted(repo: Repo) -> None:
    (repo.path / "healer.toml").write_bytes(b'\xef\xbb\xbf[stages.a]\nrun = "true"\n')
    assert load_config(repo.path).names == ("a",)


def test_healer_toml_that_is_a_folder_is_an_error(repo: Repo) -> None:
    (repo.path / "healer.toml").mkdir()
    with pytest.raises(ConfigError) as caught:
        load_config(repo.path)
    assert "is not a file" in str(caught.value)


def test_messages_for_odd_shapes(repo: Repo) -> None:
    problem = error(repo, "[tool]\nhealer = 3\n", pyproject=True)
    assert problem.key == "tool.healer" and problem.problem == "expected a table, got number 3"
    problem = error(repo, "[stages]\n")
    assert problem.problem.startswith("no stages configured")


@pytest.mark.parametrize(
    ("table", "key"),
    [('env = { "A=B" = "x" }', "env"), ('env = { "1ST" = "x" }', "env"), ('env_inputs = ["A=B"]', "env_inputs")],
)
def test_an_environment_variable_name_that_is_none_fails_validation(
    repo: Repo, healer: RunHealer, table: str, key: str
) -> None:
    repo.config(f'[stages.lint]\nrun = ["true"]\n{table}\n')
    done = healer("run")
    assert done.code == 2 and done.out == ""
    [line] = done.err.splitlines()
    assert line.startswith(f"healer: {repo.path / 'healer.toml'}:3: stages.lint.{key}: ")
    assert "is not an environment variable name" in line
