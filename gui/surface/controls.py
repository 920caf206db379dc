"""The view controls: axis choice and sliders (more than two variables), ranges, grid resolution, gradient field,
reset view. Widgets are synced from the Session with their signals blocked, so nothing echoes back.
"""
from __future__ import annotations

import math

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QLabel, QLineEdit, QPushButton, QSizePolicy,
                               QSlider, QSpinBox, QVBoxLayout, QWidget)

from gui.number_box import NumberBox, read_number
from gui.surface.flow_layout import FlowLayout, group

from engine.expr.numbers import format_number

DEFAULT_RESOLUTION = 101
SLIDER_STEPS = 1000
RANGE_LIMIT = 1e6
ERROR_BORDER = "QDoubleSpinBox { border: 1px solid #ff6e6e; }"


class RangeSpin(NumberBox):
    """An end of a plotted range: shows significant digits rather than a fixed 3 decimals (so 0.0004 is 0.0004,
    not 0.000), accepts constant formulas such as pi or 2*pi, and steps by about half its order of magnitude."""

    def __init__(self, parent, tip: str):
        super().__init__(parent)
        self.setRange(-RANGE_LIMIT, RANGE_LIMIT)
        self.setToolTip(tip)
        self.tip = tip
        # room for six significant digits of a small number, plus the arrows
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("-0.000123457") + 30)

    def stepBy(self, steps: int) -> None:
        magnitude = abs(self.value())
        step = 0.5 * 10.0 ** math.floor(math.log10(magnitude)) if magnitude >= 1e-9 else 0.5
        self.setValue(self.value() + steps * step)


class ViewControls(QWidget):
    ranges_edited = Signal(dict)                 # axis -> (lo, hi)
    resolution_changed = Signal(int)
    axes_chosen = Signal(tuple)
    fixed_moved = Signal(str, float, bool)       # name, value, still dragging
    fixed_released = Signal(str)
    gradient_field_toggled = Signal(bool)
    reset_view_clicked = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.resolutionSpin = QSpinBox(self)
        self.resolutionSpin.setObjectName("resolutionSpin")
        self.resolutionSpin.setRange(11, 401)
        self.resolutionSpin.setSingleStep(10)
        self.resolutionSpin.setValue(DEFAULT_RESOLUTION)
        self.resolutionSpin.setKeyboardTracking(False)
        self.resolutionSpin.setToolTip("Grid points per side of the surface (more is smoother, slower)")
        self.gradientFieldBox = QCheckBox("Gradient field", self)
        self.gradientFieldBox.setObjectName("gradientFieldBox")
        self.gradientFieldBox.setToolTip("Arrows of ∇f on a coarse grid in the contour view (G)")
        self.gradientFieldBox.setShortcut("G")
        self.resetButton = QPushButton("Reset view", self)
        self.resetButton.setToolTip("Put the camera and the 2D view back (Ctrl+0)")
        self.axis_combos = [QComboBox(self), QComboBox(self)]
        for i, combo in enumerate(self.axis_combos):
            combo.setObjectName(f"axisCombo{i}")
            combo.setToolTip("Which variable runs along this axis (the other axis's variable swaps the two)")
            combo.activated.connect(lambda _index, k=i: self._on_axis_chosen(k))
        self._axes: tuple[str, ...] = ()   # the plotted axes, as last synced from the session
        self.range_spins: dict[str, tuple[QDoubleSpinBox, QDoubleSpinBox]] = {}
        self._range_groups: list[QWidget] = []
        self._axes_group = group(self, QLabel("Axes:"), *self.axis_combos)
        self._grid_group = group(self, QLabel("Grid"), self.resolutionSpin)
        self.sliders: dict[str, tuple[QSlider, QLineEdit, tuple[float, float]]] = {}
        # rows wrap instead of widening the window; the sliders share lines (their own flow)
        self._row = FlowLayout()
        self.fixedRow, self._sliders_flow, self.fixedHint = _fixed_row(self)
        self.rangeError = QLabel(self)
        self.rangeError.setObjectName("rangeError")
        self.rangeError.setStyleSheet("color: #ff8a80;")
        self.rangeError.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.rangeError.hide()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(4)
        outer.addLayout(self._row)
        outer.addWidget(self.rangeError)
        outer.addWidget(self.fixedRow)
        self._relayout()
        self.resolutionSpin.valueChanged.connect(self.resolution_changed)
        self.gradientFieldBox.toggled.connect(self.gradient_field_toggled)
        self.resetButton.clicked.connect(self.reset_view_clicked)

    # --- syncing from the session --------------------------------------------------------------------------------
    def sync(self, session, slider_ranges: dict[str, tuple[float, float]]) -> None:
        names = session.variables
        many = len(names) > 2
        self._axes = tuple(session.axes)
        self._axes_group.setVisible(many)
        for i, combo in enumerate(self.axis_combos):
            with QSignalBlocker(combo):
                combo.clear()
                combo.addItems(list(names))
                if i < len(session.axes):
                    combo.setCurrentText(session.axes[i])
        self._rebuild_ranges(session)
        self._rebuild_sliders(session, slider_ranges)

    def _relayout(self) -> None:
        """The first row's groups in order: axes, one range per axis, grid, gradient field, reset."""
        while self._row.count():
            self._row.takeAt(0)
        for widget in (self._axes_group, *self._range_groups, self._grid_group, self.gradientFieldBox,
                       self.resetButton):
            self._row.addWidget(widget)

    def _rebuild_ranges(self, session) -> None:
        if tuple(self.range_spins) != tuple(session.axes):
            self.rangeError.clear()
            self.rangeError.hide()
            for old in self._range_groups:
                old.hide()   # at once: deleted only once the event loop is back
                old.deleteLater()
            self._range_groups, self.range_spins = [], {}
            for axis in session.axes:
                lo, hi = RangeSpin(self, f"Lowest {axis} shown"), RangeSpin(self, f"Highest {axis} shown")
                lo.setObjectName(f"rangeLo_{axis}")
                hi.setObjectName(f"rangeHi_{axis}")
                lo.valueChanged.connect(lambda _v, a=axis: self._on_range_edited(a))
                hi.valueChanged.connect(lambda _v, a=axis: self._on_range_edited(a))
                self._range_groups.append(group(self, QLabel(f"{axis} from"), lo, QLabel("to"), hi))
                self.range_spins[axis] = (lo, hi)
            self._relayout()
        for axis, (lo_spin, hi_spin) in self.range_spins.items():
            lo, hi = session.domain[axis]
            with QSignalBlocker(lo_spin), QSignalBlocker(hi_spin):
                lo_spin.setValue(lo)
                hi_spin.setValue(hi)
            self._mark_range(axis, None)

    def _rebuild_sliders(self, session, slider_ranges) -> None:
        if tuple(self.sliders) != tuple(session.fixed):
            _clear_layout(self._sliders_flow)
            self._sliders_flow.addWidget(self.fixedHint)
            self.fixedHint.setVisible(not session.fixed)
            self.sliders = {}
            for name in session.fixed:
                slider = QSlider(Qt.Orientation.Horizontal)
                slider.setObjectName(f"slider_{name}")
                slider.setRange(0, SLIDER_STEPS)
                slider.setPageStep(SLIDER_STEPS // 10)
                slider.setSingleStep(SLIDER_STEPS // 100)
                slider.setMinimumWidth(120)
                slider.setToolTip(f"The value of {name}, held fixed while the others are plotted")
                edit = QLineEdit()
                edit.setObjectName(f"fixedEdit_{name}")
                edit.setFixedWidth(self.fontMetrics().horizontalAdvance("-0.000123") + 12)
                edit.setToolTip(f"Type the value of {name} (a number or a constant formula such as pi/4) and press "
                                f"Enter")
                slider.valueChanged.connect(lambda _v, n=name: self._on_slider_moved(n))
                slider.sliderReleased.connect(lambda n=name: self.fixed_released.emit(n))
                edit.returnPressed.connect(lambda n=name: self._on_value_typed(n))
                box = group(self.fixedRow, QLabel(f"{name} ="), slider, edit)
                box.setFixedWidth(max(260, box.sizeHint().width()))
                self._sliders_flow.addWidget(box)
                self.sliders[name] = (slider, edit, (-2.0, 2.0))
        for name, (slider, edit, _old) in list(self.sliders.items()):
            lo, hi = slider_ranges.get(name, (-2.0, 2.0))
            value = session.fixed[name]
            lo, hi = min(lo, value), max(hi, value)
            self.sliders[name] = (slider, edit, (lo, hi))
            with QSignalBlocker(slider):
                slider.setValue(round((value - lo) / (hi - lo) * SLIDER_STEPS))
            _show_value(edit, value)

    # --- user edits ------------------------------------------------------------------------------------------------
    def _on_range_edited(self, axis: str) -> None:
        lo_spin, hi_spin = self.range_spins[axis]
        lo, hi = lo_spin.value(), hi_spin.value()
        if not lo < hi:
            self._mark_range(axis, f"{axis} from {format_number(lo)} to {format_number(hi)} is not a range: the low "
                                   f"end must be below the high end. The view keeps the last good range.")
            return
        self._mark_range(axis, None)
        self.ranges_edited.emit({axis: (lo, hi)})

    def _mark_range(self, axis: str, error: str | None) -> None:
        """Red borders and a message under the controls while a range is refused."""
        for spin in self.range_spins[axis]:
            spin.setStyleSheet(ERROR_BORDER if error else "")
            spin.setToolTip(error or spin.tip)
        if error:
            self.rangeError.setText(error)
            self.rangeError.setToolTip(error)
            self.rangeError.show()
        elif self.rangeError.text().startswith(f"{axis} from"):
            self.rangeError.clear()
            self.rangeError.hide()

    def _on_axis_chosen(self, index: int) -> None:
        """The variable chosen for one axis; choosing the other axis's variable swaps the two axes."""
        chosen = [c.currentText() for c in self.axis_combos]
        if chosen[0] == chosen[1] and len(self._axes) == 2:
            other = 1 - index
            chosen[other] = self._axes[index]
            with QSignalBlocker(self.axis_combos[other]):
                self.axis_combos[other].setCurrentText(chosen[other])
        if tuple(chosen) != self._axes:
            self.axes_chosen.emit(tuple(chosen))

    def _on_slider_moved(self, name: str) -> None:
        slider, edit, (lo, hi) = self.sliders[name]
        value = lo + (hi - lo) * slider.value() / SLIDER_STEPS
        _show_value(edit, value)
        self.fixed_moved.emit(name, value, slider.isSliderDown())

    def _on_value_typed(self, name: str) -> None:
        """A typed value of a held-fixed variable: any finite number (the slider's range widens to show it)."""
        edit = self.sliders[name][1]
        try:
            value = read_number(edit.text(), name)
        except ValueError as error:
            edit.setStyleSheet(ERROR_BORDER.replace("QDoubleSpinBox", "QLineEdit"))
            edit.setToolTip(f"{error}. Type a number such as 0.5 or a constant formula such as pi/4.")
            return
        edit.setStyleSheet("")
        self.fixed_moved.emit(name, value, False)


def _show_value(edit: QLineEdit, value: float) -> None:
    edit.setText(format_number(value, 6).replace("−", "-"))
    edit.setCursorPosition(0)
    edit.setStyleSheet("")


def _clear_layout(layout) -> None:
    """Take every item out; their widgets are deleted (the fixed-row hint is kept)."""
    while layout.count():
        widget = layout.takeAt(0).widget()
        if widget is not None and widget.objectName() != "fixedHint":
            widget.hide()   # at once: deleted only once the event loop is back
            widget.deleteLater()


def _fixed_row(parent) -> tuple[QWidget, FlowLayout, QLabel]:
    """The line of the held-fixed variables' sliders, one line high even when there are none (a muted hint then):
    a function of three variables arriving, or leaving, must not resize the views (a resized 3D view repaints in
    full, at once, in the same event-loop turn as everything else the new function brings)."""
    row = QWidget(parent)
    row.setObjectName("fixedRow")
    flow = FlowLayout(row, spacing=12)
    hint = QLabel("Held fixed: none (a function of three or more variables gets a slider here for each variable "
                  "not plotted)", row)
    hint.setObjectName("fixedHint")
    hint.setStyleSheet("color: #8890a0;")
    hint.setMinimumWidth(1)   # cut short by a narrow window, never widening it
    flow.addWidget(hint)
    line = max(QLineEdit().sizeHint().height(), QSlider(Qt.Orientation.Horizontal).sizeHint().height(),
               hint.sizeHint().height())
    row.setMinimumHeight(line)
    return row, flow, hint
