from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from healer.config.settings import Stage
from healer.detect import javascript
from healer.detect.detection import detect

Files = Callable[[dict[str, str | bytes]], Path]

PACKAGE = {
    "name": "web",
    "private": True,
    "type": "module",
    "scripts": {
        "dev": "vite",
        "build": "tsc -b && vite build",
        "lint": "eslint . --max-warnings 0",
        "typecheck": "tsc --noEmit -p tsconfig.app.json",
        "test": "vitest run",
        "format": "prettier --write .",
        "format:check": "prettier --check .",
        "preview": "vite preview",
    },
    "devDependencies": {"typescript": "~5.4.5", "eslint": "^9.4.0", "vitest": "^1.6.0"},
}
PNPM_LOCK = "lockfileVersion: '9.0'\n\nsettings:\n  autoInstallPeers: true\n"


def by_name(root: Path) -> dict[str, Stage]:
    return {c.stage.name: c.stage for c in javascript.detect(root).candidates}


def test_scripts_run_with_the_lockfiles_package_manager(project: Files) -> None:
    root = project(
        {
            "package.json": json.dumps(PACKAGE, indent=2),
            "pnpm-lock.yaml": PNPM_LOCK,
            "tsconfig.json": '{"files": [], "references": [{"path": "./tsconfig.app.json"}]}',
            "eslint.config.js": "export default [];\n",
        }
    )
    stages = by_name(root)
    assert set(stages) == {"build", "lint", "typecheck", "test", "format-check", "tsc", "eslint"}
    assert stages["lint"].run == "pnpm run lint"
    assert stages["lint"].kind == "lint"
    assert stages["lint"].parser == "eslint"
    assert stages["format-check"].run == "pnpm run format:check"
    assert stages["format-check"].kind == "format"
    assert stages["typecheck"].parser == "tsc"
    assert stages["test"].kind == "test"
    assert stages["build"].kind == "build"
    assert stages["tsc"].run == "npx tsc --noEmit"
    assert stages["eslint"].run == "npx eslint ."
    assert "eslint.config.js" in stages["eslint"].inputs


def test_scripts_cover_the_guessed_tsc_and_eslint(project: Files) -> None:
    root = project(
        {
            "package.json": json.dumps(PACKAGE),
            "pnpm-lock.yaml": PNPM_LOCK,
            "tsconfig.json": "{}",
            ".eslintrc.json": "{}",
        }
    )
    detection = detect(root)
    assert [s.name for s in detection.stages] == [
        "lint",
        "format-check",
        "typecheck",
        "test",
        "build",
    ]
    assert "tsc (tsconfig.json): already run by build, typecheck; not added" in detection.notes
    assert "eslint (.eslintrc.json): already run by lint; not added" in detection.notes


def test_yarn_bun_and_package_manager_field(project: Files) -> None:
    package = json.dumps({"scripts": {"lint": "next lint", "test": "jest"}})
    assert by_name(project({"package.json": package, "yarn.lock": ""}))["lint"].run == "yarn lint"
    (Path(project({}) / "yarn.lock")).unlink()
    assert by_name(project({"bun.lockb": b"\x00"}))["test"].run == "bun run test"
    (Path(project({}) / "bun.lockb")).unlink()
    declared = json.dumps({"packageManager": "pnpm@9.1.0", "scripts": {"test": "jest"}})
    root = project({"package.json": declared})
    assert by_name(root)["test"].run == "pnpm run test"
    assert javascript.package_manager(root, {}) == (
        "npm",
        "package manager: npm (no lockfile found)",
    )


def test_npm_placeholder_test_and_rewriting_format_are_skipped(project: Files) -> None:
    package = {
        "scripts": {
            "test": 'echo "Error: no test specified" && exit 1',
            "format": "prettier --write src",
            "start": "node index.js",
        }
    }
    root = project({"package.json": json.dumps(package), "package-lock.json": "{}"})
    found = javascript.detect(root)
    assert found.candidates == ()
    assert 'package.json script "test" is npm\'s placeholder; not added' in found.notes


def test_format_script_in_check_mode_is_taken(project: Files) -> None:
    root = project({"package.json": json.dumps({"scripts": {"format": "prettier --check ."}})})
    assert by_name(root)["format"].run == "npm run format"


def test_tsc_needs_typescript_and_eslint_config_in_package_json(project: Files) -> None:
    package = {"eslintConfig": {"extends": "react-app"}, "dependencies": {"react": "18"}}
    root = project({"package.json": json.dumps(package), "tsconfig.json": "{}"})
    found = javascript.detect(root)
    assert [c.stage.name for c in found.candidates] == ["eslint"]
    assert "tsc: tsconfig.json found but typescript is not a dependency; not added" in found.notes
    assert "eslint: eslintConfig in package.json" in found.notes


def test_delegating_lint_script_covers_eslint(project: Files) -> None:
    package = {
        "scripts": {"lint": "turbo run lint", "typecheck": "npm run check:types"},
        "devDependencies": {"typescript": "5"},
    }
    package["scripts"]["check:types"] = "tsc --noEmit"
    root = project({"package.json": json.dumps(package), "eslint.config.mjs": "", "tsconfig.json": "{}"})
    assert [s.name for s in detect(root).stages] == ["lint", "typecheck"]


def test_broken_package_json_is_skipped(project: Files) -> None:
    root = project({"package.json": '{"scripts": {"lint": "eslint ."}', "tsconfig.json": "{}"})
    found = javascript.detect(root)
    assert found.candidates == ()
    assert found.notes[0].startswith("skipped package.json: invalid JSON")
    root = project({"package.json": "[1, 2]"})
    assert javascript.detect(root).notes == ("skipped package.json: not a JSON object",)


def test_rewriting_scripts_become_check_only_stages(project: Files) -> None:
    package = {
        "scripts": {
            "lint": "npm run lint:js",
            "lint:js": "prettier --write . && eslint .",
            "typecheck": "tsc --noEmit && git add -A",
            "test": "jest",
            "pretest": "npm run fix",
            "fix": "eslint --fix .",
        }
    }
    found = javascript.detect(project({"package.json": json.dumps(package)}))
    assert [(c.stage.name, c.stage.run, c.origin) for c in found.candidates] == [
        ("eslint", "npx eslint .", "package.json script 'lint'"),
        ("prettier", "npx prettier --check .", "package.json script 'lint'"),
        ("eslint", "npx eslint .", "package.json script 'test'"),
        ("tsc", "npx tsc --noEmit", "package.json script 'typecheck'"),
    ]
    assert (
        "eslint, prettier: package.json script 'lint' (`prettier --write .` rewrites files; checking instead)"
    ) in found.notes
    assert "eslint: package.json script 'test' (`eslint --fix .` rewrites files; checking instead)" in found.notes
    assert all(not c.stage.run.startswith("npm") for c in found.candidates)


def test_rewriting_script_without_a_known_check_is_skipped(project: Files) -> None:
    package = {"scripts": {"test": "node gen.js && git commit -am snapshot && node test.js"}}
    found = javascript.detect(project({"package.json": json.dumps(package)}))
    assert found.candidates == ()
    assert (
        "package.json script 'test': `git commit -am snapshot` changes the git repository; "
        "skipped (healer stages only check)"
    ) in found.notes


def test_script_stages_declare_the_versions_of_the_tools_they_run(project: Files) -> None:
    root = project(
        {
            "package.json": json.dumps(PACKAGE),
            "pnpm-lock.yaml": PNPM_LOCK,
            "tsconfig.json": "{}",
        }
    )
    stages = by_name(root)
    assert stages["lint"].versions == ("node_modules/.bin/eslint --version",)
    assert stages["build"].versions == ("node_modules/.bin/tsc --version",)  # vite: not a check healer knows
    assert stages["test"].versions == ("node_modules/.bin/vitest --version",)
    assert stages["tsc"].versions == ("node_modules/.bin/tsc --version",)


def test_versions_follow_the_scripts_a_script_runs(project: Files) -> None:
    package = {"scripts": {"typecheck": "npm run check:types", "check:types": "vue-tsc --noEmit"}}
    stage = by_name(project({"package.json": json.dumps(package)}))["typecheck"]
    assert stage.versions == ("node_modules/.bin/vue-tsc --version",)
