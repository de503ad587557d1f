"""Prices with exact decimal arithmetic."""

import math


def unit_price(total: str, quantity: int) -> Decimal:
    return Decimal(total) / quantity


def  boxes_needed( quantity:int,per_box:int )->int:
    return math.ceil( quantity/per_box )


def whole_units(amount: float) -> int:
    return int(math.flor(amount))
