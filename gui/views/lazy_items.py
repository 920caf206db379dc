"""Overlay items of the 2D views made the first time they are asked for, so that a view holds only what has been
drawn on it: the first picture then builds none of the items it does not show."""
from __future__ import annotations

from typing import Callable

Z_BASE = 10   # overlay items lie above the plot's own items, in the order of their table


class ItemsPerView(dict):
    """view -> its overlay items, made by ``make(view)`` the first time a view's are asked for."""

    def __init__(self, make: Callable):
        super().__init__()
        self._make = make

    def __missing__(self, view):
        items = self[view] = self._make(view)
        return items


class LazyItems(dict):
    """One view's items by key, each made from ``makers[key]()``, hidden, placed at its z (Z_BASE + its place in
    ``makers``) and added to the view (``view.add_item``) the first time it is asked for."""

    def __init__(self, view, makers: dict[str, Callable]):
        super().__init__()
        self._view, self._makers = view, makers
        self._order = {key: i for i, key in enumerate(makers)}

    def __missing__(self, key):
        item = self[key] = self._makers[key]()
        item.setZValue(Z_BASE + self._order[key])
        item.setVisible(False)
        self._view.add_item(item)
        return item
