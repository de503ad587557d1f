"""[agents.NAME] and [workflows.NAME]: presets or commands, every key, one-line errors naming file, line and key;
the memo keeps them."""

from __future__ import annotations

import pytest

from healer.config.errors import ConfigError
from healer.config.load import load_config
from healer.config.memo import recall, remember
from healer.config.settings import AgentSettings, WorkflowSettings, WorkflowStep

from ..conftest import Repo
from .test_memo import age

STAGE = '[stages.lint]\nrun = "true"\n'
AGENTS = """
[agents.claude]
preset = "claude"
timeout = 300
max_attempts = 3
env = ["ANTHROPIC_API_KEY"]

[agents.mine]
command = "my-agent --message {prompt} --json"
output = "text"
cost_from = "usage.cost"
network = false
hosts = ["api.example.com", "*.example.org:8443"]
home = ["~/.config/my-agent/auth.json"]

[workflows.careful]
kind = "sequential"
steps = [{agent = "claude"}, {agent = "mine", role = "review"}, {agent = "claude", role = "refine"}]
timeout = 1200

[workflows.race]
kind = "parallel"
agents = ["claude", "mine", "model"]

[workflows.persist]
kind = "iterative"
agent = "mine"
max_attempts = 4
"""


def test_no_agents_by_default(repo: Repo) -> None:
    repo.config(STAGE)
    config = load_config(repo.path)
    assert config.agents == () and config.workflows == ()


def test_every_key(repo: Repo) -> None:
    repo.config(STAGE + AGENTS)
    config = load_config(repo.path)
    assert config.agent("claude") == AgentSettings(
        "claude", "claude", (), None, 300.0, 3, ("ANTHROPIC_API_KEY",), None, None, (), ()
    )
    assert config.agent("mine") == AgentSettings(
        "mine",
        None,
        ("my-agent", "--message", "{prompt}", "--json"),
        "text",
        600.0,
        2,
        (),
        "usage.cost",
        False,
        ("api.example.com", "*.example.org:8443"),
        ("~/.config/my-agent/auth.json",),
    )
    assert config.workflow("careful") == WorkflowSettings(
        "careful",
        "sequential",
        (WorkflowStep("claude"), WorkflowStep("mine", "review"), WorkflowStep("claude", "refine")),
        None,
        1200.0,
    )
    race = config.workflow("race")
    assert race is not None and [step.agent for step in race.steps] == ["claude", "mine", "model"]
    assert config.workflow("persist") == WorkflowSettings("persist", "iterative", (WorkflowStep("mine"),), 4, None)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('[agents.a]\npreset = "claud"\n', "agents.a.preset: unknown value 'claud' (did you mean 'claude'?)"),
        ("[agents.a]\ntimeout = 5\n", "agents.a: give a preset (aider, claude, codex, copilot, gemini, opencode)"),
        ('[agents.a]\ncommand = "x \'unclosed"\n', "agents.a.command: cannot split the command: No closing quotation"),
        ('[agents.a]\npreset = "codex"\nenv = ["OPENAI KEY"]\n', "agents.a.env: expected an array of environment"),
        ('[agents.a]\npreset = "codex"\nhosts = ["http://x"]\n', "agents.a.hosts: expected an array of host names"),
        ('[agents.a]\npreset = "codex"\nhome = ["/etc/passwd"]\n', "agents.a.home: expected an array of paths under"),
        ('[agents.a]\npreset = "codex"\nhome = ["~/../x"]\n', "agents.a.home: a path with '..' in it"),
        ('[agents.a]\npreset = "codex"\nmax_attempts = 0\n', "agents.a.max_attempts: expected a whole number, 1 to 20"),
        ('[agents.a]\npreset = "codex"\nnetwrok = true\n', "agents.a.netwrok: unknown key (did you mean 'network'?)"),
        ('[agents.model]\npreset = "codex"\n', "agents.model: an agent's name is letters"),
        ('[workflows.w]\nagent = "x"\n', "workflows.w: no kind; one of sequential, parallel, iterative"),
        ('[workflows.w]\nkind = "loop"\n', "workflows.w.kind: unknown value 'loop'"),
        ('[workflows.w]\nkind = "iterative"\nagent = "cladue"\n', "workflows.w.agent: no agent named 'cladue'"),
        ('[workflows.w]\nkind = "parallel"\nagents = ["model"]\n', "workflows.w.agents: expected an array of two"),
        (
            '[agents.a]\npreset = "codex"\n[workflows.w]\nkind = "sequential"\nsteps = [{agent = "a", role = "review"}]\n',
            "workflows.w.steps: the first step must implement",
        ),
        (
            '[agents.a]\npreset = "codex"\n[workflows.a]\nkind = "iterative"\nagent = "a"\n',
            "workflows.a: a workflow cannot have the name of an agent",
        ),
    ],
)
def test_errors_name_file_and_key_in_one_line(repo: Repo, table: str, message: str) -> None:
    repo.config(STAGE + table)
    with pytest.raises(ConfigError) as caught:
        load_config(repo.path)
    said = str(caught.value)
    assert "healer.toml:" in said and message in said, said
    assert "\n" not in said


def test_the_memo_round_trips_agents_and_workflows(repo: Repo) -> None:
    age(repo.config(STAGE + AGENTS))
    state = repo.path / ".git" / "healer"
    config = load_config(repo.path)
    remember(repo.path, state, config)
    recalled = recall(repo.path, state)
    assert recalled == config and recalled is not None
    assert isinstance(recalled.agents[1].command, tuple) and isinstance(recalled.workflows[0].steps[0], WorkflowStep)
