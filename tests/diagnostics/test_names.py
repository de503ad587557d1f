from healer.diagnostics.diagnose import parser_names
from healer.diagnostics.names import PARSER_NAMES


def test_static_parser_names_match_the_registry() -> None:
    assert parser_names() == PARSER_NAMES
