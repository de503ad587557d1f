"""A model's reply read into blocks and applied byte-exactly; malformed or unusable replies refused with one line."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from healer.llm.edits import MAX_BLOCKS, Block, EditError, apply_blocks, parse_reply
from healer.patch.diff import unified_diff
from healer.patch.patch import FileEdit

APP = b"import os\n\n\ndef total(items):\n    count = 0\n    for item in items:\n        count += item\n    return count\n"


def reader(files: dict[str, bytes]) -> Callable[[str], bytes | None]:
    return files.get


def edit(reply: str, files: dict[str, bytes]) -> tuple[FileEdit, ...]:
    return apply_blocks(parse_reply(reply), reader(files))


def after(reply: str, files: dict[str, bytes], path: str = "app/calc.py") -> bytes | None:
    found = {e.path: e for e in edit(reply, files)}
    return found[path].after


def refusal(reply: str, files: dict[str, bytes] | None = None) -> str:
    with pytest.raises(EditError) as caught:
        edit(reply, files or {"app/calc.py": APP})
    message = str(caught.value)
    assert "\n" not in message
    return message


BLOCK = "<<<<<<< SEARCH\n    return count\n=======\n    return count * 2\n>>>>>>> REPLACE\n"
DOUBLED = APP.replace(b"return count", b"return count * 2")


# Accepted forms of SEARCH/REPLACE


@pytest.mark.parametrize(
    "reply",
    [
        f"app/calc.py\n{BLOCK}",
        f"`app/calc.py`\n{BLOCK}",
        f"**app/calc.py**\n{BLOCK}",
        f"**`app/calc.py`**\n{BLOCK}",
        f"### app/calc.py\n{BLOCK}",
        f"File: app/calc.py\n{BLOCK}",
        f"app/calc.py:\n{BLOCK}",
        f"./app/calc.py\n{BLOCK}",
        f"app\\calc.py\n{BLOCK}",
        f"```python app/calc.py\n{BLOCK}```\n",
        f"```app/calc.py\n{BLOCK}```\n",
        f"app/calc.py\n```python\n{BLOCK}```\n",
        f"app/calc.py\n\n```python\n{BLOCK}```\n",
        f"```python\napp/calc.py\n{BLOCK}```\n",
        f"Here is the fix.\n\napp/calc.py\n```python\n{BLOCK}```\n\nThis doubles the total.\n",
        f"In `app/calc.py`, double the result:\n{BLOCK}",
        "app/calc.py\n<<<<< SEARCH\n    return count\n=====\n    return count * 2\n>>>>> REPLACE\n",
        "app/calc.py\n<<<<<<<<< SEARCH\n    return count\n=========\n    return count * 2\n>>>>>>>>> REPLACE\n",
        "app/calc.py\n<<<<<<< SEARCH   \n    return count\n=======  \n    return count * 2\n>>>>>>> REPLACE \t\n",
        "app/calc.py\n<<<<<<< search\n    return count\n=======\n    return count * 2\n>>>>>>> Replace\n",
        f"app/calc.py\n{BLOCK}".replace("\n", "\r\n"),
        f"app/calc.py\n{BLOCK}".rstrip("\n"),
    ],
)
def test_search_replace_forms(reply: str) -> None:
    [block] = parse_reply(reply)
    assert block == Block("app/calc.py", "    return count\n", "    return count * 2\n", "search-replace", 1)
    assert after(reply, {"app/calc.py": APP}) == DOUBLED


def test_several_blocks_per_file_with_prose_between_and_the_path_not_repeated() -> None:
    reply = (
        "Two changes.\n\n```python\napp/calc.py\n<<<<<<< SEARCH\nimport os\n=======\nimport sys\n>>>>>>> REPLACE\n"
        "<<<<<<< SEARCH\n    count = 0\n=======\n    count = 1\n>>>>>>> REPLACE\n```\n\n"
        "```python\n<<<<<<< SEARCH\n    return count\n=======\n    return -count\n>>>>>>> REPLACE\n```\n\n"
        "Then a second file:\n\nlib/other.py\n<<<<<<< SEARCH\nx = 1\n=======\nx = 2\n>>>>>>> REPLACE\n"
    )
    blocks = parse_reply(reply)
    assert [(b.number, b.path) for b in blocks] == [
        (1, "app/calc.py"),
        (2, "app/calc.py"),
        (3, "app/calc.py"),
        (4, "lib/other.py"),
    ]
    edits = edit(reply, {"app/calc.py": APP, "lib/other.py": b"x = 1\n"})
    assert [e.path for e in edits] == ["app/calc.py", "lib/other.py"]
    assert edits[0].after == APP.replace(b"import os", b"import sys").replace(b"= 0", b"= 1").replace(
        b"return count", b"return -count"
    )
    assert edits[1] == FileEdit("lib/other.py", b"x = 1\n", b"x = 2\n")


def test_a_second_block_applies_to_what_the_first_left() -> None:
    reply = (
        "app/calc.py\n<<<<<<< SEARCH\n    return count\n=======\n    total = count\n    return total\n>>>>>>> REPLACE\n"
        "app/calc.py\n<<<<<<< SEARCH\n    total = count\n=======\n    total = count + 1\n>>>>>>> REPLACE\n"
    )
    assert after(reply, {"app/calc.py": APP}) == APP.replace(
        b"    return count\n", b"    total = count + 1\n    return total\n"
    )


def test_an_empty_search_creates_a_file() -> None:
    reply = "Add a module.\n\n```python\nnew/mod.py\n<<<<<<< SEARCH\n=======\nVALUE = 1\n>>>>>>> REPLACE\n```\n"
    [block] = parse_reply(reply)
    assert block.search == "" and block.replace == "VALUE = 1\n"
    assert edit(reply, {}) == (FileEdit("new/mod.py", None, b"VALUE = 1\n"),)


def test_an_empty_search_fills_an_existing_empty_file_and_a_later_block_edits_the_created_one() -> None:
    reply = (
        "pkg/__init__.py\n<<<<<<< SEARCH\n=======\nA = 1\n>>>>>>> REPLACE\n"
        "pkg/__init__.py\n<<<<<<< SEARCH\nA = 1\n=======\nA = 2\n>>>>>>> REPLACE\n"
    )
    assert edit(reply, {"pkg/__init__.py": b""}) == (FileEdit("pkg/__init__.py", b"", b"A = 2\n"),)
    assert edit(reply, {}) == (FileEdit("pkg/__init__.py", None, b"A = 2\n"),)


def test_a_divider_inside_the_text_prefers_the_canonical_marker() -> None:
    reply = "doc.rst\n<<<<<<< SEARCH\nTitle\n=====\n=======\nHeading\n=====\n>>>>>>> REPLACE\n"
    assert edit(reply, {"doc.rst": b"Title\n=====\n"}) == (FileEdit("doc.rst", b"Title\n=====\n", b"Heading\n=====\n"),)


# Unified diffs

DIFF = """--- a/app/calc.py
+++ b/app/calc.py
@@ -5,4 +5,4 @@ def total(items):
     count = 0
     for item in items:
-        count += item
+        count += item * 2
     return count
"""
DIFF_AFTER = APP.replace(b"count += item", b"count += item * 2")


@pytest.mark.parametrize(
    "reply",
    [
        DIFF,
        f"```diff\n{DIFF}```\n",
        f"The loop should double each item:\n\n```diff\n{DIFF}```\n\nThat is all.\n",
        f"The loop should double each item:\n\n{DIFF}\nThat is all, it fixes the test.\n",
        f"diff --git a/app/calc.py b/app/calc.py\nindex 123..456 100644\n{DIFF}",
        DIFF.replace("@@ -5,4 +5,4 @@", "@@ -40,4 +41,4 @@"),
        DIFF.replace("@@ -5,4 +5,4 @@", "@@ -1,3 +1,9 @@"),
        DIFF.replace("@@ -5,4 +5,4 @@ def total(items):", "@@ ... @@"),
        DIFF.replace("@@ -5,4 +5,4 @@ def total(items):", "@@"),
        DIFF.replace("--- a/app/calc.py", "--- app/calc.py\t2024-05-01 10:00:00.000000000 +0200"),
        DIFF.replace("\n", "\r\n"),
        "app/calc.py\n```diff\n" + DIFF.split("\n", 2)[2] + "```\n",
        f"```diff\n{DIFF}```".replace("     return count\n", "     return count\n\n\n"),
    ],
)
def test_diff_forms_are_located_by_content(reply: str) -> None:
    blocks = parse_reply(reply)
    assert [(b.path, b.kind) for b in blocks] == [("app/calc.py", "diff-hunk")]
    assert blocks[0].search == "    count = 0\n    for item in items:\n        count += item\n    return count\n"
    assert after(reply, {"app/calc.py": APP}) == DIFF_AFTER


def test_a_diff_with_blank_context_lines_written_as_empty_lines() -> None:
    reply = "```diff\n--- a/app/calc.py\n+++ b/app/calc.py\n@@ -1,4 +1,4 @@\n-import os\n+import sys\n\n\n def total(items):\n```\n"
    assert after(reply, {"app/calc.py": APP}) == APP.replace(b"import os", b"import sys")


def test_a_diff_with_several_files_and_hunks_and_a_created_file() -> None:
    lines = b"".join(b"line %d\n" % n for n in range(1, 31))
    reply = (
        "--- a/data.txt\n+++ b/data.txt\n@@ -2,3 +2,3 @@\n line 2\n-line 3\n+LINE 3\n line 4\n"
        "@@ -20,3 +20,4 @@\n line 20\n line 21\n+inserted\n line 22\n"
        "--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1,2 @@\n+hello\n+world\n"
    )
    edits = edit(reply, {"data.txt": lines})
    assert edits[0].after == lines.replace(b"line 3\n", b"LINE 3\n").replace(b"line 21\n", b"line 21\ninserted\n")
    assert edits[1] == FileEdit("new.txt", None, b"hello\nworld\n")


def test_the_header_breaks_ties_between_equal_hunks() -> None:
    text = b"".join(b"x\ny\nz\n" for _ in range(4))
    reply = "--- a/r.txt\n+++ b/r.txt\n@@ -7,3 +7,3 @@\n x\n-y\n+Y\n z\n"
    assert edit(reply, {"r.txt": text})[0].after == b"x\ny\nz\n" * 2 + b"x\nY\nz\n" + b"x\ny\nz\n"
    no_numbers = reply.replace("@@ -7,3 +7,3 @@", "@@ @@")
    assert re.search(r"occurs 4 times \(lines 1, 4, 7, 10\)", refusal(no_numbers, {"r.txt": text}))


def test_no_newline_markers_set_the_final_newline() -> None:
    reply = "--- a/t.txt\n+++ b/t.txt\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n"
    assert edit(reply, {"t.txt": b"a\nb"})[0].after == b"a\nb\n"
    reply = "--- a/t.txt\n+++ b/t.txt\n@@ -1,2 +1,3 @@\n a\n-b\n+b\n+c\n\\ No newline at end of file\n"
    assert edit(reply, {"t.txt": b"a\nb\n"})[0].after == b"a\nb\nc"


# Refusals, each with its one-line reason


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ("", "the reply is empty"),
        ("   \n\n", "the reply is empty"),
        ("I think the bug is in total(); it should double.", "the reply has no SEARCH/REPLACE block and no unified diff"),
        ("app/calc.py\n<<<<<<< SEARCH\n    return count\n    return count * 2\n>>>>>>> REPLACE\n",
         "block 1 (app/calc.py): no ======= line between <<<<<<< SEARCH and >>>>>>> REPLACE"),
        ("app/calc.py\n<<<<<<< SEARCH\n    return count\n=======\n    return count * 2\n",
         "block 1 (app/calc.py): unterminated, the reply ends before its >>>>>>> REPLACE line"),
        ("app/calc.py\n<<<<<<< SEARCH\n    return count\n=======\n    return co",
         "block 1 (app/calc.py): unterminated"),
        (f"app/calc.py\n{BLOCK}Fixed!\n\n<<<<<<< SEARCH\nimport os\n=======\nimport sys\n>>>>>>> REPLACE\n",
         "block 2: no file path before <<<<<<< SEARCH on line 9 of the reply"),
        (BLOCK, "block 1: no file path before <<<<<<< SEARCH on line 1 of the reply"),
        ("app/calc.py\n    return count\n=======\n    return count * 2\n>>>>>>> REPLACE\n",
         "block 1: the >>>>>>> REPLACE on line 5 of the reply has no <<<<<<< SEARCH before it"),
        ("app/calc.py\n<<<<<<< SEARCH\na\n<<<<<<< SEARCH\nb\n=======\nc\n>>>>>>> REPLACE\n",
         "block 1 (app/calc.py): a second <<<<<<< SEARCH on line 4"),
        ("```diff\n--- a/app/calc.py\n+++ b/app/calc.py\n@@ -1,3 +1,3 @@\nimport os\n-\n+x = 1\n```\n",
         "block 1 (app/calc.py): line 1 of the hunk, 'import os', does not start with ' ', '-' or '+'"),
        ("--- a/app/calc.py\n+++ b/app/calc.py\n@@ -1,3 +1,3 @@\n import os\nbad line\n-x\n",
         "block 1 (app/calc.py): line 2 of the hunk, 'bad line', does not start"),
        ("--- a/app/calc.py\n+++ b/app/calc.py\n@@ -4,5 +4,5 @@\n def total(items):\n-    count = 0\n+    count",
         "block 1 (app/calc.py): the reply ends inside the hunk '@@ -4,5 +4,5 @@', which announces 5 old and 5 new lines but has 2 and 2; it looks cut off"),
        ("--- a/app/calc.py\n+++ b/app/calc.py\nnothing here\n", "block 1 (app/calc.py): no @@ hunk header after the +++ line"),
        ("--- a/app/calc.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-import os\n", "block 1 (app/calc.py): the diff deletes app/calc.py; deleting files is not supported"),
        ("--- a/app/calc.py\n+++ b/app/sum.py\n@@ -1 +1 @@\n-import os\n+import sys\n", "block 1 (app/sum.py): the diff renames app/calc.py to app/sum.py; renames are not supported"),
        ("--- /dev/null\n+++ b/n.py\n@@ -1 +1 @@\n a\n+b\n", "block 1 (n.py): the diff creates n.py (--- /dev/null) but its hunk has context or - lines"),
        ("Change this:\n@@ -1 +1 @@\n-import os\n+import sys\n", "block 1: the diff hunk on line 2 of the reply has no --- and +++ lines naming its file"),
        ("app/calc.py\n<<<<<<< SEARCH\n    return count\n=======\n    return count\n>>>>>>> REPLACE\n",
         "the reply changes nothing: every block's replacement equals the text it replaces"),
    ],
)  # fmt: skip
def test_malformed_replies_are_refused_with_the_reason(reply: str, expected: str) -> None:
    assert refusal(reply).startswith(expected)


def test_an_ambiguous_search_names_every_line() -> None:
    text = b"".join(b"def f%d():\n    return None\n\n" % n for n in range(3))
    reply = "app/x.py\nstuff\n\napp/x.py\n<<<<<<< SEARCH\na = 1\n=======\na = 2\n>>>>>>> REPLACE\n"
    reply += "app/x.py\n<<<<<<< SEARCH\n    return None\n=======\n    return 0\n>>>>>>> REPLACE\n"
    message = refusal(reply, {"app/x.py": b"a = 1\n" + text})
    assert message == (
        "block 2 (app/x.py): the search text occurs 3 times (lines 3, 6, 9); include more lines to make it unique"
    )


def test_a_search_that_is_not_there_names_the_closest_lines() -> None:
    reply = "app/calc.py\n<<<<<<< SEARCH\n    for item in item_list:\n        count += item\n=======\n    pass\n>>>>>>> REPLACE\n"
    assert refusal(reply) == (
        "block 1 (app/calc.py): the search text is not in the file; the closest is lines 6-7 (94% similar),"
        " where line 6 reads '    for item in items:' but the search has '    for item in item_list:'"
    )
    nothing = "app/calc.py\n<<<<<<< SEARCH\nzzzz qqqq\n=======\n\n>>>>>>> REPLACE\n"
    assert refusal(nothing).endswith("no part of the file resembles it; quote the file's current lines exactly")


@pytest.mark.parametrize(
    ("reply", "files", "expected"),
    [
        ("new.py\n<<<<<<< SEARCH\nx = 1\n=======\nx = 2\n>>>>>>> REPLACE\n", {}, "block 1 (new.py): no such file; to create it, leave SEARCH empty"),
        ("app/calc.py\n<<<<<<< SEARCH\n=======\nx = 2\n>>>>>>> REPLACE\n", {"app/calc.py": APP},
         "block 1 (app/calc.py): the SEARCH is empty, which creates a file, but app/calc.py already exists"),
        ("--- a/gone.py\n+++ b/gone.py\n@@ -1 +1 @@\n-x\n+y\n", {}, "block 1 (gone.py): no such file; to create it, write the diff against --- /dev/null"),
        ("--- /dev/null\n+++ b/app/calc.py\n@@ -0,0 +1 @@\n+x\n", {"app/calc.py": APP},
         "block 1 (app/calc.py): the hunk has no context or - lines, so it creates the file, but app/calc.py already exists"),
        ("latin.py\n<<<<<<< SEARCH\nx\n=======\ny\n>>>>>>> REPLACE\n", {"latin.py": b"# caf\xe9\nx\n"}, "latin.py: not UTF-8, healer does not edit it"),
    ],
)  # fmt: skip
def test_files_that_cannot_take_the_block(reply: str, files: dict[str, bytes], expected: str) -> None:
    assert refusal(reply, files).startswith(expected)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("../outside.py", "the path contains '..'"),
        ("app/../../outside.py", "the path contains '..'"),
        ("..\\outside.py", "the path contains '..'"),
        ("/etc/passwd", "an absolute path"),
        ("C:/Windows/win.ini", "an absolute path"),
        ("~/.bashrc", "an absolute path"),
    ],
)
def test_paths_outside_the_repository_are_never_read(path: str, expected: str) -> None:
    asked: list[str] = []

    def read(p: str) -> bytes | None:
        asked.append(p)
        return b"x\n"

    for reply in (
        f"{path}\n<<<<<<< SEARCH\nx\n=======\ny\n>>>>>>> REPLACE\n",
        f"--- a/{path.lstrip('/')}\n+++ b/{path.lstrip('/')}\n@@ -1 +1 @@\n-x\n+y\n" if ".." in path else "",
    ):
        if reply:
            with pytest.raises(EditError, match=re.escape(expected)):
                apply_blocks(parse_reply(reply), read)
    with pytest.raises(EditError, match=re.escape(expected)):
        apply_blocks([Block(path, "x\n", "y\n", "search-replace", 1)], read)
    assert asked == []


def test_limits_refuse_a_looping_model() -> None:
    big = "app/calc.py\n<<<<<<< SEARCH\n" + "x = 1\n" * 40_000 + "=======\ny\n>>>>>>> REPLACE\n"
    assert refusal(big).startswith("the reply is 234 KB, over the 200 KB limit")
    many = "".join(f"f{n}.py\n<<<<<<< SEARCH\n=======\nx = {n}\n>>>>>>> REPLACE\n" for n in range(MAX_BLOCKS + 1))
    assert refusal(many).startswith("the reply has more than 50 blocks")
    assert len(edit(many.rsplit("f50.py", 1)[0], {})) == MAX_BLOCKS
    blocks = [Block(f"f{n}.py", "", "x\n", "search-replace", n + 1) for n in range(MAX_BLOCKS + 1)]
    with pytest.raises(EditError, match="51 blocks, more than 50"):
        apply_blocks(blocks, reader({}))


def test_unchanged_files_are_left_out() -> None:
    reply = (
        "a.py\n<<<<<<< SEARCH\nx = 1\n=======\nx = 1\n>>>>>>> REPLACE\n"
        "b.py\n<<<<<<< SEARCH\ny = 1\n=======\ny = 2\n>>>>>>> REPLACE\n"
    )
    assert edit(reply, {"a.py": b"x = 1\n", "b.py": b"y = 1\n"}) == (FileEdit("b.py", b"y = 1\n", b"y = 2\n"),)


def test_a_fenced_diff_cut_off_by_a_token_limit_is_refused() -> None:
    cut = "Here is the patch:\n\n```diff\n" + DIFF.replace("@@ -5,4 +5,4 @@", "@@ -5,4 +5,5 @@")
    assert (
        refusal(cut)
        == "block 1 (app/calc.py): the reply ends inside the diff's ``` fence, in the hunk '@@ -5,4 +5,5 @@ def total(items):'; it looks cut off"
    )
    short = "--- a/app/calc.py\n+++ b/app/calc.py\n@@ -5,4 +5,4 @@\n     count = 0\n     for item in items:\n-        count += item\n"
    assert "which announces 4 old and 4 new lines but has 3 and 2; it looks cut off" in refusal(short)


def test_blocks_are_numbered_across_hunks_and_search_replace_blocks() -> None:
    reply = DIFF + "\n" + f"app/calc.py\n{BLOCK}"
    assert [(b.number, b.kind) for b in parse_reply(reply)] == [(1, "diff-hunk"), (2, "search-replace")]
    assert after(reply, {"app/calc.py": APP}) == DIFF_AFTER.replace(b"return count", b"return count * 2")


def test_a_file_that_cannot_be_read_is_refused() -> None:
    def read(path: str) -> bytes | None:
        raise IsADirectoryError(21, "Is a directory")

    with pytest.raises(EditError, match=r"^app: cannot be read \(Is a directory\)$"):
        apply_blocks([Block("app", "x\n", "y\n", "search-replace", 1)], read)


# Whitespace tolerance, line endings, encodings


def test_a_crlf_file_stays_crlf_when_the_model_writes_lf() -> None:
    crlf = APP.replace(b"\n", b"\r\n")
    reply = (
        "app/calc.py\n<<<<<<< SEARCH\n    return count\n=======\n    # doubled\n    return count * 2\n>>>>>>> REPLACE\n"
    )
    assert after(reply, {"app/calc.py": crlf}) == crlf.replace(
        b"    return count\r\n", b"    # doubled\r\n    return count * 2\r\n"
    )
    assert after(reply.replace("\n", "\r\n"), {"app/calc.py": crlf}) == crlf.replace(
        b"    return count\r\n", b"    # doubled\r\n    return count * 2\r\n"
    )


def test_mixed_endings_are_kept_outside_and_inside_what_the_block_left_unchanged() -> None:
    text = b"a\r\nb\nc\r\nd\ne\r\n"
    reply = "m.txt\n<<<<<<< SEARCH\nb\nc\nd\n=======\nb\nC\nd\n>>>>>>> REPLACE\n"
    # Two CRLF, two LF, one CRLF: CRLF is the file's usual ending and the new line takes it.
    assert after(reply, {"m.txt": text}, "m.txt") == b"a\r\nb\nC\r\nd\ne\r\n"


@pytest.mark.parametrize("text", [b"a\nb", b"a\r\nb", b"a\nb\n"])
def test_the_final_newline_state_is_kept(text: bytes) -> None:
    ending = b"\r\n" if b"\r" in text else b"\n"
    final = ending if text.endswith(b"\n") else b""
    reply = "t.txt\n<<<<<<< SEARCH\nb\n=======\nb\nc\n>>>>>>> REPLACE\n"
    assert after(reply, {"t.txt": text}, "t.txt") == b"a" + ending + b"b" + ending + b"c" + final
    removal = "t.txt\n<<<<<<< SEARCH\na\nb\n=======\nb\n>>>>>>> REPLACE\n"
    assert after(removal, {"t.txt": text}, "t.txt") == b"b" + final
    last = "t.txt\n<<<<<<< SEARCH\nb\n=======\n>>>>>>> REPLACE\n"
    assert after(last, {"t.txt": text}, "t.txt") == b"a" + final


def test_a_bom_is_kept() -> None:
    reply = "b.py\n<<<<<<< SEARCH\nx = 1\n=======\nx = 2\n>>>>>>> REPLACE\n"
    assert after(reply, {"b.py": b"\xef\xbb\xbfx = 1\n"}, "b.py") == b"\xef\xbb\xbfx = 2\n"
    quoted = "b.py\n<<<<<<< SEARCH\n\ufeffx = 1\n=======\nx = 2\n>>>>>>> REPLACE\n"
    assert after(quoted, {"b.py": b"\xef\xbb\xbfx = 1\n"}, "b.py") == b"\xef\xbb\xbfx = 2\n"


def test_trailing_whitespace_drift_matches_and_unchanged_lines_keep_theirs() -> None:
    text = b"def f():  \n    a = 1\t\n    return a\n"
    reply = "f.py\n<<<<<<< SEARCH\ndef f():\n    a = 1\n    return a\n=======\ndef f():\n    a = 2\n    return a\n>>>>>>> REPLACE\n"
    assert after(reply, {"f.py": text}, "f.py") == b"def f():  \n    a = 2\n    return a\n"


def test_the_model_indenting_less_is_reindented() -> None:
    reply = (
        "app/calc.py\n<<<<<<< SEARCH\nfor item in items:\n    count += item\n=======\n"
        "for item in items:\n    if item:\n        count += item\n>>>>>>> REPLACE\n"
    )
    expected = APP.replace(b"        count += item\n", b"        if item:\n            count += item\n")
    assert after(reply, {"app/calc.py": APP}) == expected


def test_the_model_indenting_more_is_reindented() -> None:
    text = b"class A:\n    def f(self):\n        return 1\n"
    reply = "a.py\n<<<<<<< SEARCH\n        def f(self):\n            return 1\n=======\n        def f(self):\n            return 2\n\n        def g(self):\n            return 3\n>>>>>>> REPLACE\n"
    assert (
        after(reply, {"a.py": text}, "a.py")
        == b"class A:\n    def f(self):\n        return 2\n\n    def g(self):\n        return 3\n"
    )


def test_an_uneven_indentation_difference_is_not_a_match() -> None:
    text = b"if x:\n    a = 1\n    b = 2\n"
    reply = "a.py\n<<<<<<< SEARCH\n  a = 1\n      b = 2\n=======\n  a = 3\n>>>>>>> REPLACE\n"
    assert "the search text is not in the file" in refusal(reply, {"a.py": text})


def test_blank_lines_at_the_edges_of_the_search_are_tolerated() -> None:
    reply = (
        "app/calc.py\n<<<<<<< SEARCH\n\n    return count\n\n\n=======\n\n    return count * 2\n\n\n>>>>>>> REPLACE\n"
    )
    assert after(reply, {"app/calc.py": APP}) == DOUBLED


def test_fewest_blank_lines_are_dropped_so_a_blank_line_the_model_removes_is_removed() -> None:
    text = b"import os\nimport sys\n\ndef f():\n    pass\n"
    reply = "a.py\n<<<<<<< SEARCH\n\nimport sys\n\n\n=======\n\nimport json\n\n>>>>>>> REPLACE\n"
    assert after(reply, {"a.py": text}, "a.py") == b"import os\nimport json\ndef f():\n    pass\n"


def test_quoted_blank_context_lines_keep_the_files_bytes() -> None:
    text = b"x = 1\n\nALL = []\n\n\nclass A:\n    pass\n"
    reply = "a.py\n<<<<<<< SEARCH\n  \nALL = []\n  \n  \n=======\n  \n  \n  \n>>>>>>> REPLACE\n"
    assert after(reply, {"a.py": text}, "a.py") == b"x = 1\n\n\n\nclass A:\n    pass\n"


def test_an_exact_match_wins_over_a_whitespace_tolerant_one() -> None:
    text = b"    x = 1\nx = 1\n"
    reply = "a.py\n<<<<<<< SEARCH\nx = 1\n=======\nx = 2\n>>>>>>> REPLACE\n"
    assert after(reply, {"a.py": text}, "a.py") == b"    x = 1\nx = 2\n"


# Properties

LINE = st.one_of(
    st.sampled_from(["", "x = 1", "    return x", "pass", "  ", "}", "# é ☃", "\tif a:"]),
    st.text(st.characters(codec="utf-8", exclude_characters="\r\n"), max_size=12),
).filter(lambda line: not re.match(r"^(?:\s*(?:<{5,9}|={5,9}|>{5,9})|\ufeff)", line))  # markers; a BOM is kept apart


def render(lines: list[str], ending: str, final: bool) -> bytes:
    if not lines:
        return b""
    return (ending.join(lines) + (ending if final else "")).encode()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(LINE, min_size=1, max_size=25),
    st.lists(LINE, max_size=6),
    st.data(),
    st.sampled_from(["\n", "\r\n"]),
    st.booleans(),
    st.booleans(),
)
def test_a_block_from_a_unique_range_gives_exactly_the_expected_bytes(
    lines: list[str], new: list[str], data: st.DataObject, ending: str, final: bool, crlf_reply: bool
) -> None:
    start = data.draw(st.integers(0, len(lines) - 1))
    stop = data.draw(st.integers(start + 1, len(lines)))

    def occurrences(a: int, b: int) -> int:
        return sum(lines[i : i + b - a] == lines[a:b] for i in range(len(lines) - (b - a) + 1))

    while occurrences(start, stop) > 1:  # grow the range until the search is unique, as a careful model would
        start, stop = (start, stop + 1) if stop < len(lines) else (start - 1, stop)
    final = final or not lines[-1]  # a last line that is empty and unterminated is no line at all
    before = render(lines, ending, final)
    # A file with no line ending yet has no usual ending to give new lines: they get LF.
    usual = ending if ending.encode() in before else "\n"
    expected = render(lines[:start] + new + lines[stop:], usual, final)
    search = "".join(line + "\n" for line in lines[start:stop])
    reply = "Fix:\n\n```text\nsrc/f.txt\n<<<<<<< SEARCH\n" + search + "=======\n" + "".join(line + "\n" for line in new)
    reply += ">>>>>>> REPLACE\n```\n"
    if crlf_reply:
        reply = reply.replace("\n", "\r\n")
    if expected == before:
        with pytest.raises(EditError, match="changes nothing"):
            edit(reply, {"src/f.txt": before})
        return
    assert edit(reply, {"src/f.txt": before}) == (FileEdit("src/f.txt", before, expected),)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(["a", "b", "c", "", "d d", " e", "f\t", "@@ x", "-- y", "++ z", "\\w"]), max_size=30),
    st.lists(st.tuples(st.integers(0, 30), st.integers(0, 3), st.lists(st.sampled_from(["a", "B", "", "new", "-- y", "++ z"]), max_size=3)), max_size=5),
    st.sampled_from(["\n", "\r\n"]),
    st.booleans(),
    st.booleans(),
    st.booleans(),
)  # fmt: skip
def test_healers_own_unified_diff_round_trips(
    lines: list[str],
    changes: list[tuple[int, int, list[str]]],
    ending: str,
    final_before: bool,
    final_after: bool,
    created: bool,
) -> None:
    edited = list(lines)
    for at, removed, added in changes:
        at = min(at, len(edited))
        edited[at : at + removed] = added
    if created or not lines:
        ending = "\n"  # a created file gets LF: the reply's own endings are not the file's
    before = None if created else render(lines, ending, final_before)
    after_bytes = render(edited, ending, final_after)
    assume(before != after_bytes and (before is not None or after_bytes))
    # A file with no line ending yet has no usual ending to give new lines: they get LF.
    assume(ending == "\n" or b"\r\n" in (before or b""))
    reply = unified_diff([FileEdit("pkg/f.txt", before, after_bytes)])
    assume(reply)
    assert edit(reply, {} if before is None else {"pkg/f.txt": before}) == (FileEdit("pkg/f.txt", before, after_bytes),)
