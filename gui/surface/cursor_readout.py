"""The readout under the contour map: f under the mouse, of the function drawn now."""
from __future__ import annotations

import numpy as np

from engine.expr.numbers import format_number


class CursorReadout:
    """A new function is read at the same place; new axes or ranges move what lies under the mouse, so the readout
    waits for the next move. ``plotted`` returns the function drawn now."""

    def __init__(self, label, session, plotted) -> None:
        self.label, self.session, self.plotted = label, session, plotted
        self._at = ((), (), 0.0, 0.0)   # axes, box, x, y of the last move

    def moved(self, x: float, y: float) -> None:
        self._at = (tuple(self.session.axes), tuple(self.session.box()), x, y)
        self.show()

    def show(self) -> None:
        s = self.session
        axes, box, x, y = self._at
        if len(s.axes) != 2 or axes != tuple(s.axes) or box != tuple(s.box()):
            self.label.clear()
            return
        with np.errstate(all="ignore"):
            value = float(self.plotted().evaluate({s.axes[0]: x, s.axes[1]: y}))
        self.label.setText(f"{s.axes[0]} = {format_number(x, 4)}, {s.axes[1]} = {format_number(y, 4)}, "
                           f"f = {format_number(value, 6)}")
