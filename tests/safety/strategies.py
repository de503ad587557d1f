"""Hypothesis strategies that draw trials: repository states, configurations, hooks and interruptions."""

from __future__ import annotations

from hypothesis import strategies as st

from .trials import KINDS, NEW, PATHS, TRACKED, Interrupt, Op, Trial

paths = st.sampled_from(PATHS)
kinds = st.sampled_from(KINDS)
numbers = st.integers(0, 999)
# Ops that would never change anything (a content kind on a path that does not exist) are allowed:
# the report counts them as `kind:noop`.
operation: st.SearchStrategy[Op] = st.one_of(
    st.tuples(st.just("write"), paths, kinds, numbers, st.booleans()),
    st.tuples(st.just("restage"), paths, kinds, kinds, numbers),
    st.tuples(st.just("hunk"), numbers),
    st.tuples(st.just("chmod"), paths, st.booleans(), st.booleans()),
    st.tuples(st.just("intent"), st.sampled_from(NEW), kinds, numbers),
    st.tuples(st.just("untracked"), numbers),
    st.tuples(st.just("git_rm"), st.sampled_from([*TRACKED, "link", "sub"]), st.booleans()),
    st.tuples(st.just("rm"), st.sampled_from([*TRACKED, "link"])),
    st.tuples(st.just("mv"), st.sampled_from([*TRACKED, "link"]), st.sampled_from(NEW)),
    st.tuples(st.just("symlink"), st.sampled_from(NEW), st.sampled_from(["a.txt", "../outside", "dir"]), st.booleans()),
    st.tuples(st.just("sub"), st.sampled_from(["worktree", "staged", "commit"]), numbers),
    st.tuples(st.just("stash"), st.sampled_from(TRACKED), kinds, numbers),
)
operations = st.lists(operation, min_size=1, max_size=8).map(tuple)
autocrlf = st.sampled_from([None, "true", "input"])
interruption = st.builds(
    Interrupt,
    delay_ms=st.integers(0, 300),
    signal=st.sampled_from(["INT", "INT", "TERM", "KILL"]),
    group=st.booleans(),
)


@st.composite
def trials(draw: st.DrawFn, hook: str, interrupted: bool) -> Trial:
    push: tuple[str, ...] = ()
    after: tuple[Op, ...] = ()
    if hook == "pre-push":
        push = tuple(draw(st.lists(st.sampled_from(["main", "topic", "delete"]), min_size=1, max_size=3, unique=True)))
        after = tuple(draw(st.lists(operation, max_size=4)))
    return Trial(
        hook=hook,
        autocrlf=draw(autocrlf),
        recurse=draw(st.booleans()),
        ops=draw(operations),
        after=after,
        push=push,
        interrupt=draw(interruption) if interrupted else None,
    )
