"""The coding-agent CLIs healer knows, as data: how to start one without a terminal and how to read what it prints.

Each preset uses the tool's documented non-interactive mode. Its own
permission prompts are switched off, since nobody could answer them: the
OS sandbox healer runs it in (healer.pipeline.jail) is what limits it, and
its edits are only a proposal, admitted and verified like any fixer's.
A new CLI is one more entry here. Placeholders in `argv`: `{prompt}` (the
prompt as one argument), `{prompt_file}` (a file holding it), `{files}`
(the failing files, one argument each); with neither prompt placeholder
the prompt goes to standard input.
"""

from __future__ import annotations

from typing import NamedTuple


class Preset(NamedTuple):
    name: str
    argv: tuple[str, ...]
    output: str
    """How its output is read (healer.agents.output)."""
    hosts: tuple[str, ...]
    """What it needs to reach: its provider's API (and login) hosts."""
    env: tuple[str, ...]
    """Environment variables it reads its key or endpoint from, passed through when set."""
    home: tuple[str, ...]
    """Its login and settings under the home folder, copied into the private home it runs with."""
    fixed_env: tuple[tuple[str, str], ...] = ()
    """Set for every run (no telemetry, no update checks: traffic the allowlist would refuse anyway)."""
    docs: str = ""


PRESETS: dict[str, Preset] = {
    preset.name: preset
    for preset in (
        Preset(
            "claude",
            ("claude", "-p", "{prompt}", "--output-format", "json", "--dangerously-skip-permissions"),
            "claude-json",
            ("api.anthropic.com",),
            ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_BASE_URL", "ANTHROPIC_MODEL"),
            ("~/.claude/.credentials.json", "~/.claude/settings.json", "~/.claude.json"),
            (("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1"), ("DISABLE_AUTOUPDATER", "1"), ("IS_SANDBOX", "1")),
            "https://docs.anthropic.com/en/docs/claude-code/cli-reference",
        ),
        Preset(
            "codex",
            (
                "codex",
                "exec",
                "--json",
                "--skip-git-repo-check",
                "--dangerously-bypass-approvals-and-sandbox",
                "{prompt}",
            ),
            "codex-jsonl",
            ("api.openai.com", "chatgpt.com", "auth.openai.com"),
            ("OPENAI_API_KEY", "CODEX_API_KEY", "OPENAI_BASE_URL"),
            ("~/.codex/auth.json", "~/.codex/config.toml"),
            docs="https://developers.openai.com/codex/noninteractive",
        ),
        Preset(
            "gemini",
            ("gemini", "-p", "{prompt}", "--output-format", "json", "--yolo"),
            "gemini-json",
            ("generativelanguage.googleapis.com", "cloudcode-pa.googleapis.com", "oauth2.googleapis.com"),
            ("GEMINI_API_KEY", "GOOGLE_API_KEY", "GOOGLE_CLOUD_PROJECT", "GOOGLE_GENAI_USE_VERTEXAI"),
            ("~/.gemini/settings.json", "~/.gemini/oauth_creds.json", "~/.gemini/google_accounts.json"),
            docs="https://geminicli.com/docs/cli/headless/",
        ),
        Preset(
            "aider",
            (
                "aider",
                "--message",
                "{prompt}",
                "--yes-always",
                "--no-auto-commits",
                "--no-git",
                "--no-stream",
                "--no-pretty",
                "--no-check-update",
                "--no-show-release-notes",
                "--analytics-disable",
                "{files}",
            ),
            "text",
            (
                "api.openai.com",
                "api.anthropic.com",
                "openrouter.ai",
                "api.deepseek.com",
                "generativelanguage.googleapis.com",
            ),
            (
                "OPENAI_API_KEY",
                "ANTHROPIC_API_KEY",
                "OPENROUTER_API_KEY",
                "DEEPSEEK_API_KEY",
                "GEMINI_API_KEY",
                "AIDER_MODEL",
            ),
            ("~/.aider.conf.yml", "~/.aider.model.settings.yml"),
            docs="https://aider.chat/docs/scripting.html",
        ),
        Preset(
            "opencode",
            ("opencode", "run", "--format", "json", "{prompt}"),
            "opencode-jsonl",
            ("api.anthropic.com", "api.openai.com", "openrouter.ai", "opencode.ai"),
            ("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "OPENROUTER_API_KEY"),
            ("~/.local/share/opencode/auth.json", "~/.config/opencode/opencode.json"),
            docs="https://opencode.ai/docs/cli/",
        ),
        Preset(
            "copilot",
            ("copilot", "-p", "{prompt}", "-s", "--allow-all-tools", "--no-ask-user"),
            "text",
            ("api.githubcopilot.com", "api.individual.githubcopilot.com", "api.github.com"),
            ("COPILOT_GITHUB_TOKEN", "GH_TOKEN", "GITHUB_TOKEN"),
            ("~/.copilot/config.json",),
            docs="https://docs.github.com/en/copilot/reference/copilot-cli-reference/cli-programmatic-reference",
        ),
    )
}
"""Every preset by name."""

OUTPUTS: tuple[str, ...] = ("claude-json", "codex-jsonl", "gemini-json", "opencode-jsonl", "text")
