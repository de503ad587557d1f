from inventory.stock import Item, Stock


def test_add_merges_quantities() -> None:
    stock = Stock()
    stock.add(Item("A1", "bolt", 3))
    stock.add(Item("A1", "bolt", 4))
    assert stock.total_quantity() == 7


def test_find_known_item() -> None:
    stock = Stock()
    stock.add(Item("B2", "nut", 1))
    assert stock.find("B2").name == "nut"
