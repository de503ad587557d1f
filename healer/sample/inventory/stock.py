"""Items on the shelves and how many of each there are."""

import os
from dataclasses import dataclass, field


@dataclass
class Item:
    sku: str
    name: str
    quantity: int


@dataclass
class Stock:
    items: dict[str, Item] = field(default_factory=dict)

    def add(self, item: Item) -> None:
        if item.sku in self.items:
            self.items[item.sku].quantity += item.quantity
        else:
            self.items[item.sku] = item

    def find(self, sku: str) -> Item:
        return self.items.get(sku)

    def total_quantity(self) -> int:
        return sum(item.quantity for item in self.items.values())
