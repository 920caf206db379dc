"""One hyperparameter editor: a slider (logarithmic for scale-like values) and a number box, kept in step."""
from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import QAbstractSpinBox, QHBoxLayout, QLabel, QSlider, QWidget

from gui.number_box import NumberBox as BaseNumberBox

SLIDER_TICKS = 1000
TYPED_LIMIT = 1e300   # the box takes any typed number; the optimizer refuses (with a reason) what it cannot use


@dataclass(frozen=True)
class HyperSpec:
    label: str
    lo: float
    hi: float
    log: bool
    tip: str


HYPER_SPECS = {
    "lr": HyperSpec("Learning rate", 1e-5, 10.0, True,
                    "Step size η. The slider is logarithmic; type any value in the box. Too large diverges."),
    "momentum": HyperSpec("Momentum β", 0.0, 0.999, False,
                          "Fraction of the previous velocity kept each step (0 = plain gradient descent)."),
    "beta1": HyperSpec("β₁", 0.0, 0.999, False, "Adam: decay of the running mean of gradients."),
    "beta2": HyperSpec("β₂", 0.0, 0.99999, False, "Decay of the running mean of squared gradients."),
    "eps": HyperSpec("ε", 1e-12, 1e-1, True, "Small constant that keeps the adaptive step finite."),
    "damping": HyperSpec("Damping λ", 0.0, 100.0, False,
                         "Newton: solve (H + λI) step = −∇f. 0 = pure Newton; larger λ leans towards a gradient step. "
                         "This is the least λ used: where H is not positive definite, λ is raised until H + λI is "
                         "(the explanation under the views names the λ of each step)."),
}


def spec_for(name: str) -> HyperSpec:
    return HYPER_SPECS.get(name, HyperSpec(name, 0.0, 1e6, False, f"Hyperparameter {name}."))


class NumberBox(BaseNumberBox):
    """The shared number box, stepping by a tenth of the shown digit's place (0.01 → 0.011)."""

    def __init__(self, parent=None, **properties):
        super().__init__(parent, **properties)
        self.setStepType(QAbstractSpinBox.StepType.AdaptiveDecimalStepType)


class HyperRow(QWidget):
    value_edited = Signal(str, float)   # name, value — the user moved the slider or committed a number

    def __init__(self, name: str, parent=None):
        super().__init__(parent)
        self.name, self.spec = name, spec_for(name)
        self.label = QLabel(self.spec.label)
        self.label.setMinimumWidth(92)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, SLIDER_TICKS)
        self.slider.setObjectName(f"{name}Slider")
        self.box = NumberBox()
        self.box.setObjectName(f"{name}Box")
        self.box.setRange(-TYPED_LIMIT, TYPED_LIMIT)   # never clamp silently: the slider's range is only a guide
        self.box.setMinimumWidth(86)
        for w in (self.label, self.slider, self.box):
            w.setToolTip(self.spec.tip)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.box)
        self.slider.valueChanged.connect(self._on_slider_moved)
        self.box.valueChanged.connect(self._on_box_committed)

    def set_value(self, value: float) -> None:
        """Show a value from the model without echoing it back."""
        with QSignalBlocker(self.slider), QSignalBlocker(self.box):
            self.box.setValue(value)
            self.slider.setValue(self._to_tick(value))

    def value(self) -> float:
        return self.box.value()

    def tick_of(self, value: float) -> int:
        return self._to_tick(value)

    def value_of_tick(self, tick: int) -> float:
        return self._from_tick(tick)

    def _to_tick(self, value: float) -> int:
        lo, hi = self.spec.lo, self.spec.hi
        if self.spec.log:
            value = min(max(value, lo), hi)
            t = (math.log10(value) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))
        else:
            t = (min(max(value, lo), hi) - lo) / (hi - lo)
        return round(t * SLIDER_TICKS)

    def _from_tick(self, tick: int) -> float:
        t = tick / SLIDER_TICKS
        lo, hi = self.spec.lo, self.spec.hi
        if self.spec.log:
            return float(f"{10 ** (math.log10(lo) + t * (math.log10(hi) - math.log10(lo))):.3g}")
        return float(f"{lo + t * (hi - lo):.4g}")

    def _on_slider_moved(self, tick: int) -> None:
        value = self._from_tick(tick)
        with QSignalBlocker(self.box):
            self.box.setValue(value)
        self.value_edited.emit(self.name, value)

    def _on_box_committed(self, value: float) -> None:
        with QSignalBlocker(self.slider):
            self.slider.setValue(self._to_tick(value))
        self.value_edited.emit(self.name, value)
