"""Telling a graph's subscribers what changed (a part of Graph, kept apart for size).

Subscribers are plain Python callbacks (no Qt): each hears every event of a mutation, in order, after the change is
stored. One that raises does not keep the others from hearing it; the first error is raised again afterwards.
"""
from __future__ import annotations

from typing import Callable, Iterable

from engine.graph.nodes import GraphEvent


class Announcer:
    """Mixed into Graph, which creates ``_subscribers`` (a copy of a graph starts with none)."""

    _subscribers: list[Callable[[GraphEvent], None]]

    def subscribe(self, callback: Callable[[GraphEvent], None]) -> None:
        if callback not in self._subscribers:
            self._subscribers.append(callback)

    def unsubscribe(self, callback: Callable[[GraphEvent], None]) -> None:
        if callback in self._subscribers:
            self._subscribers.remove(callback)

    def _emit(self, events: Iterable[GraphEvent]) -> None:
        # every subscriber hears every event even if one of them raises; the first error is re-raised afterwards
        error = None
        for event in events:
            for callback in list(self._subscribers):
                try:
                    callback(event)
                except Exception as exc:  # noqa: BLE001 - re-raised below
                    error = error or exc
        if error is not None:
            raise error
