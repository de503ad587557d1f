from decimal import Decimal

from inventory.pricing import boxes_needed, unit_price, whole_units


def test_unit_price() -> None:
    assert unit_price("10.00", 4) == Decimal("2.50")


def test_boxes_needed_rounds_up() -> None:
    assert boxes_needed(10, 4) == 3


def test_whole_units() -> None:
    assert whole_units(2.7) == 2
