"""An exercise inside a tour step: the question, a field for a formula or a set of choices, Check, and the verdict
with its hint. The verdict comes from the engine (engine.analysis.answers); this widget only shows it."""
from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QButtonGroup, QHBoxLayout, QLabel, QLineEdit, QPushButton, QRadioButton, QVBoxLayout,
                               QWidget)

from engine.analysis.answers import ClassificationExercise, Verdict, check_answer

RIGHT, WRONG = "#34c759", "#ff6b6b"
PLACEHOLDERS = {"gradient": "components separated by commas, e.g. 2*x*y, x^2",
                "formula": "a formula in the variables, or a number",
                "matrix": "Matrix syntax: * product, ' transpose, norm2(v), e.g. A'*x"}


class ExerciseBox(QWidget):
    def __init__(self, parent=None, checked=None):
        super().__init__(parent)
        self.setObjectName("tourExercise")
        self.on_checked = checked or (lambda verdict: None)   # told every verdict (the panel reveals on a right one)
        self.spec: dict | None = None
        self.fill = lambda text: text
        self.prompt = QLabel(objectName="tourPrompt", wordWrap=True)
        self.prompt.setTextFormat(Qt.TextFormat.RichText)
        self.answerEdit = QLineEdit(objectName="tourAnswer")
        self.answerEdit.setPlaceholderText("e.g. exp(x)/(exp(x) + exp(y)), exp(y)/(exp(x) + exp(y))")
        self.answerEdit.returnPressed.connect(self.check)
        self.choices = QWidget(objectName="tourChoices")
        self.choice_layout = QVBoxLayout(self.choices)
        self.choice_layout.setContentsMargins(0, 0, 0, 0)
        self.group = QButtonGroup(self)
        self.checkButton = QPushButton("Check", objectName="tourCheck")
        self.checkButton.clicked.connect(self.check)
        self.verdictLabel = QLabel(objectName="tourVerdict", wordWrap=True)
        self.verdictLabel.setTextFormat(Qt.TextFormat.RichText)
        row = QHBoxLayout()
        row.addWidget(self.answerEdit, 1)
        row.addWidget(self.checkButton)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.prompt)
        layout.addWidget(self.choices)
        layout.addLayout(row)
        layout.addWidget(self.verdictLabel)
        self.verdict: Verdict | None = None
        self.set_exercise(None)

    def set_exercise(self, spec: dict | None, fill=None) -> None:
        self.spec, self.verdict = spec, None
        self.fill = fill or (lambda text: text)
        self.setVisible(spec is not None)
        self.verdictLabel.clear()
        self.answerEdit.clear()
        for button in self.group.buttons():
            self.group.removeButton(button)
            button.deleteLater()
        if spec is None:
            return
        self.prompt.setText(f"<b>Exercise.</b> {html.escape(self.fill(spec['prompt']))}")
        options = self._options(spec)
        self.choices.setVisible(bool(options))
        self.answerEdit.setVisible(not options)
        self.answerEdit.setPlaceholderText(PLACEHOLDERS.get(spec["kind"], ""))
        for key, text in options:
            button = QRadioButton(text, self.choices, objectName=f"tourChoice_{key}")
            button.setProperty("key", key)
            self.group.addButton(button)
            self.choice_layout.addWidget(button)

    @staticmethod
    def _options(spec: dict) -> list[tuple[str, str]]:
        if spec["kind"] == "choice":
            return [(o["key"], o["text"]) for o in spec["options"]]
        if spec["kind"] == "classification":
            return [(c, {"neither": "neither (not an extremum)"}.get(c, f"a {c}"))
                    for c in ClassificationExercise.CHOICES]
        return []

    def answer(self) -> str:
        if self.choices.isVisible() or self.group.buttons():
            button = self.group.checkedButton()
            return "" if button is None else button.property("key")
        return self.answerEdit.text()

    def check(self) -> Verdict | None:
        if self.spec is None:
            return None
        verdict = check_answer(self.spec, self.answer())
        self.verdict = verdict
        colour = RIGHT if verdict.correct else WRONG
        hint = self.fill(verdict.hint) if verdict.hint else ""
        self.verdictLabel.setText(f"<span style='color:{colour}; font-weight:bold'>{html.escape(verdict.message)}"
                                  f"</span>" + (f"<br>{html.escape(hint)}" if hint else ""))
        self.on_checked(verdict)
        return verdict
