"""The optimizer panel: the list of runs, the selected run's method and hyperparameters, the start, and playback.

Every edit goes through an undo command on the workspace's stack; the panel redraws from the RunsModel's signals.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap, QUndoStack
from PySide6.QtWidgets import (QColorDialog, QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel,
                               QListWidget, QListWidgetItem, QMenu, QPushButton, QSlider, QSpinBox, QToolButton,
                               QVBoxLayout, QWidget)

from engine.optim.descent import METHODS
from gui.descent.commands import (AddRunCommand, RemoveRunCommand, SetColourCommand, SetHyperparameterCommand,
                                  SetMethodCommand, SetStartCommand)
from gui.descent.hyper_row import HyperRow
from gui.descent.player import Player
from engine.analysis.rates import SCALED_METHODS
from gui.descent.run_texts import list_entry
from gui.descent.runs import RunSpec, RunsModel
from gui.descent.start_box import StartBox
from gui.descent.step_size_view import StepSizeView

RACE = ("gd", "momentum", "adam", "newton")
STATUS_COLOURS = {"diverged": "#ff6b6b", "undefined": "#ff6b6b", "converged": "#5fd38d", "error": "#ff6b6b",
                  "stopped": "#e0b050", "critical": "#e0b050"}
STATUS_MS = 100   # while playing, the run list and the step-size line are rewritten at most this often
SPEEDS = (1, 2, 3, 5, 8, 10, 15, 20, 30, 45, 60, 90, 120, 200, 300)


class OptimizerPanel(QWidget):
    run_selected = Signal(int)   # run id (-1: none)
    start_chosen = Signal()      # the user typed or clicked a start

    def __init__(self, model: RunsModel, player: Player, undo_stack: QUndoStack, parent=None):
        super().__init__(parent)
        self.setObjectName("optimizerPanel")
        self.model, self.player, self.undo_stack = model, player, undo_stack
        self.hyper_rows: dict[str, HyperRow] = {}
        self._gesture = 0   # counts slider drags
        self._held, self._due = 0, set()   # while held, the run list's statuses and the run shown wait (hold)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self._build_runs_box())
        layout.addWidget(self._build_editor_box())
        layout.addWidget(self._build_start_box())
        layout.addWidget(self._build_playback_box())
        layout.addStretch(1)
        model.run_added.connect(self._on_run_added)
        model.run_removed.connect(self._on_run_removed)
        model.run_changed.connect(self._on_run_changed)
        # while a race plays, the run list and the step-size line are rewritten at most every STATUS_MS (each
        # rewrite re-lays out the panel and the live step-size line reads a Hessian): the numbers stay readable
        self._status_timer = QTimer(self, singleShot=True, interval=STATUS_MS)
        self._status_timer.timeout.connect(self._refresh_statuses)
        model.runs_advanced.connect(self._on_runs_advanced)
        model.runs_reset.connect(self._on_runs_reset)
        model.max_steps_changed.connect(self._on_max_steps_changed)
        model.view_box_changed.connect(self._refresh_statuses)
        player.playing_changed.connect(self._on_playing_changed)
        self._show_run(None)

    # --- building -------------------------------------------------------------------------------------------
    def _build_runs_box(self) -> QGroupBox:
        box = QGroupBox("Runs")
        self.run_list = QListWidget(objectName="runList")
        self.run_list.setToolTip("Each run is one optimizer descending from its start. Select one to edit it.")
        self.run_list.setMinimumHeight(110)
        # statuses can be long ("f is undefined at the start (x, y) = …"): wrap them, never scroll sideways
        self.run_list.setWordWrap(True)
        self.run_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.run_list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.run_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.run_list.currentItemChanged.connect(lambda *_: self._show_run(self.current_run_id()))
        self.add_button = QToolButton(objectName="addRunButton", text="Add run")
        self.add_button.setToolTip("Add a run with the chosen optimizer at the current start")
        self.add_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.add_button)
        for key, method in METHODS.items():
            menu.addAction(method.label, lambda k=key: self.add_run(k)).setToolTip(method.description)
        menu.addSeparator()
        menu.addAction("Race: GD, momentum, Adam, Newton", self.add_race)
        self.add_button.setMenu(menu)
        self.remove_button = QPushButton("Remove", objectName="removeRunButton")
        self.remove_button.setToolTip("Remove the selected run (Delete)")
        self.remove_button.clicked.connect(self.remove_selected)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        v = QVBoxLayout(box)
        v.addWidget(self.run_list)
        v.addLayout(row)
        return box

    def _build_editor_box(self) -> QGroupBox:
        self.editor_box = QGroupBox("Selected run")
        form = QVBoxLayout(self.editor_box)
        top = QHBoxLayout()
        self.method_combo = QComboBox(objectName="methodCombo")
        for key, method in METHODS.items():
            self.method_combo.addItem(method.label, key)
            self.method_combo.setItemData(self.method_combo.count() - 1, method.description, Qt.ItemDataRole.ToolTipRole)
        self.method_combo.setToolTip("The optimizer of this run (changing it restarts the run)")
        self.method_combo.activated.connect(self._on_method_chosen)
        self.colour_button = QPushButton(objectName="colourButton")
        self.colour_button.setToolTip("Colour of this run's trail")
        self.colour_button.setFixedWidth(44)
        self.colour_button.clicked.connect(self._choose_colour)
        top.addWidget(self.method_combo, 1)
        top.addWidget(self.colour_button)
        form.addLayout(top)
        self.description = QLabel(objectName="methodDescription", wordWrap=True)
        self.description.setStyleSheet("color: palette(mid);")
        form.addWidget(self.description)
        names = list(dict.fromkeys(k for m in METHODS.values() for k in m.defaults))
        for name in names:
            row = HyperRow(name)
            row.value_edited.connect(self._on_hyper_edited)
            row.slider.sliderPressed.connect(self._new_gesture)   # the edits of one drag are one undo step
            self.hyper_rows[name] = row
            form.addWidget(row)
        self.lr_note = QLabel("Learning rate suited to this function: 1/λmax of the Hessian at the start (capped), "
                              "halved while a short trial run diverged. Edit it to choose your own.",
                              objectName="lrNote", wordWrap=True)
        self.lr_note.setStyleSheet("color: palette(mid); font-size: 9pt;")
        form.addWidget(self.lr_note)
        self.step_size = StepSizeView(self.hyper_rows["lr"])
        form.addWidget(self.step_size)
        self.hyper_error = QLabel(objectName="hyperError", wordWrap=True)
        self.hyper_error.setStyleSheet("color: #ff6b6b;")
        self.hyper_error.hide()
        form.addWidget(self.hyper_error)
        return self.editor_box

    def _build_start_box(self) -> StartBox:
        self.start_box = StartBox()
        self.start_box.start_entered.connect(self.apply_start)
        self.shared_start, self.start_hint = self.start_box.shared_start, self.start_box.hint
        return self.start_box

    def _build_playback_box(self) -> QGroupBox:
        box = QGroupBox("Playback")
        v = QVBoxLayout(box)
        row = QHBoxLayout()
        self.play_button = QPushButton("Play", objectName="playButton")
        self.play_button.setToolTip("Play / pause the race (Space)")
        self.play_button.clicked.connect(self.player.toggle)
        self.step_button = QPushButton("Step", objectName="stepButton")
        self.step_button.setToolTip("Advance every run one step (→)")
        self.step_button.clicked.connect(self.player.step_once)
        self.reset_button = QPushButton("Reset", objectName="resetButton")
        self.reset_button.setToolTip("Return every run to its start (R)")
        self.reset_button.clicked.connect(self.player.reset)
        for b in (self.play_button, self.step_button, self.reset_button):
            row.addWidget(b)
        v.addLayout(row)
        form = QFormLayout()
        self.speed_slider = QSlider(Qt.Orientation.Horizontal, objectName="speedSlider")
        self.speed_slider.setRange(0, len(SPEEDS) - 1)
        self.speed_slider.setToolTip("How many steps per second Play takes (each run steps once per step)")
        self.speed_slider.setValue(min(range(len(SPEEDS)), key=lambda i: abs(SPEEDS[i] - self.player.steps_per_second)))
        self.speed_slider.valueChanged.connect(lambda i: self.player.set_speed(SPEEDS[i]))
        self.speed_label = QLabel()
        self.player.speed_changed.connect(lambda s: self.speed_label.setText(f"{s:g} steps/s"))
        self.speed_label.setText(f"{self.player.steps_per_second:g} steps/s")
        speed_row = QHBoxLayout()
        speed_row.addWidget(self.speed_slider, 1)
        speed_row.addWidget(self.speed_label)
        form.addRow("Speed", speed_row)
        self.max_steps_spin = QSpinBox(objectName="maxStepsSpin")
        self.max_steps_spin.setRange(1, 100000)
        self.max_steps_spin.setValue(self.model.max_steps)
        self.max_steps_spin.setKeyboardTracking(False)
        self.max_steps_spin.setToolTip("Each run stops after this many steps")
        self.max_steps_spin.valueChanged.connect(self.model.set_max_steps)
        form.addRow("Max steps", self.max_steps_spin)
        v.addLayout(form)
        return box

    # --- user actions ---------------------------------------------------------------------------------------
    def current_run_id(self) -> int:
        item = self.run_list.currentItem()
        return -1 if item is None else int(item.data(Qt.ItemDataRole.UserRole))

    def current_start(self) -> np.ndarray:
        return self.start_box.point()

    def add_run(self, method: str) -> int:
        spec = RunSpec(method, self.model.default_hyper(method), self.model.next_colour(), self.current_start(),
                       auto_lr=True)
        command = AddRunCommand(self.model, spec)
        self.undo_stack.push(command)
        self.select_run(command.run_id)
        return command.run_id

    def add_race(self) -> None:
        self.undo_stack.beginMacro("Add a race")
        for method in RACE:
            self.add_run(method)
        self.undo_stack.endMacro()

    def remove_selected(self) -> None:
        run_id = self.current_run_id()
        if run_id >= 0:
            self.undo_stack.push(RemoveRunCommand(self.model, run_id))

    def apply_start(self, point) -> None:
        """A start chosen by the user (typed or clicked): all runs, or only the selected one."""
        point = np.asarray(point, dtype=np.float64)
        targets = [r.run_id for r in self.model.runs] if self.shared_start.isChecked() else \
            [i for i in (self.current_run_id(),) if i >= 0]
        self.show_start(point)
        if targets:
            self.undo_stack.push(SetStartCommand(self.model, targets, point))
        self.start_chosen.emit()

    def select_run(self, run_id: int) -> None:
        for i in range(self.run_list.count()):
            if int(self.run_list.item(i).data(Qt.ItemDataRole.UserRole)) == run_id:
                self.run_list.setCurrentRow(i)
                return

    def set_axes(self, names) -> None:
        self.start_box.set_axes(names)

    def _on_method_chosen(self, index: int) -> None:
        run_id, method = self.current_run_id(), self.method_combo.itemData(index)
        if run_id >= 0 and method != self.model.run(run_id).method:
            self.undo_stack.push(SetMethodCommand(self.model, run_id, method))

    def _on_hyper_edited(self, name: str, value: float) -> None:
        run_id = self.current_run_id()
        if run_id < 0:
            return
        gesture = self._gesture if self.hyper_rows[name].slider.isSliderDown() else None
        try:
            command = SetHyperparameterCommand(self.model, run_id, name, value, gesture)
        except ValueError as exc:
            kept = self.model.run(run_id).hyper.get(name)
            self._show_hyper_error(f"{self.hyper_rows[name].spec.label}: {value:.6g} refused ({exc}); "
                                   f"it stays {kept:.6g}.")
            self._show_run(run_id)
            return
        self.undo_stack.push(command)
        self._show_hyper_error("")

    def _new_gesture(self) -> None:
        self._gesture += 1

    def _choose_colour(self) -> None:
        run_id = self.current_run_id()
        if run_id < 0:
            return
        colour = QColorDialog.getColor(QColor(self.model.run(run_id).colour), self, "Run colour")
        if colour.isValid():
            self.undo_stack.push(SetColourCommand(self.model, run_id, colour.name()))

    # --- model → widgets ------------------------------------------------------------------------------------
    def _on_run_added(self, run_id: int) -> None:
        run = self.model.run(run_id)
        item = QListWidgetItem()
        item.setData(Qt.ItemDataRole.UserRole, run_id)
        self.run_list.insertItem(self.model.index_of(run_id), item)
        self._refresh_item(item, run)
        if self.run_list.currentItem() is None:
            self.run_list.setCurrentItem(item)

    def _on_run_removed(self, run_id: int) -> None:
        for i in range(self.run_list.count()):
            if int(self.run_list.item(i).data(Qt.ItemDataRole.UserRole)) == run_id:
                self.run_list.takeItem(i)
                break
        self._show_run(self.current_run_id())

    def _on_run_changed(self, run_id: int) -> None:
        self._refresh_statuses()
        if run_id == self.current_run_id():
            self._show_run(run_id)

    def _on_runs_reset(self) -> None:
        self._refresh_statuses()
        self._show_run(self.current_run_id())

    def _on_max_steps_changed(self, n: int) -> None:
        with QSignalBlocker(self.max_steps_spin):
            self.max_steps_spin.setValue(n)
        self._refresh_statuses()

    def _on_playing_changed(self, playing: bool) -> None:
        self.play_button.setText("Pause" if playing else "Play")
        if not playing and self._status_timer.isActive():
            self._status_timer.stop()
            self._refresh_statuses()

    def _on_runs_advanced(self) -> None:
        if not self.player.playing:
            self._refresh_statuses()
        elif not self._status_timer.isActive():
            self._status_timer.start()

    def hold(self) -> None:
        """Until :meth:`release`, the statuses and the selected run's editor are brought up to date once, at the
        end, however many runs are removed, added and restarted meanwhile (a tour scene, the tab's first show)."""
        self._held += 1

    def release(self) -> None:
        self._held -= 1
        if not self._held:
            due, self._due = self._due, set()
            if "statuses" in due:
                self._refresh_statuses()
            if "run" in due:
                self._show_run(self.current_run_id())

    def _refresh_statuses(self) -> None:
        if self._held:
            self._due.add("statuses")
            return
        for i in range(self.run_list.count()):
            item = self.run_list.item(i)
            self._refresh_item(item, self.model.run(int(item.data(Qt.ItemDataRole.UserRole))))
        run_id = self.current_run_id()
        self.step_size.show_run(self.model.objective, self.model.run(run_id) if run_id >= 0 else None)

    def _refresh_item(self, item: QListWidgetItem, run) -> None:
        text, tip = list_entry(self.model, run)
        if item.text() != text:
            item.setText(text)
            colour = STATUS_COLOURS.get(self.model.status_kind(run))
            item.setForeground(QColor(colour) if colour else self.run_list.palette().text())
            item.setToolTip(tip)
        if item.data(Qt.ItemDataRole.DecorationRole) is None or item.data(Qt.ItemDataRole.UserRole + 1) != run.colour:
            item.setIcon(colour_icon(run.colour))
            item.setData(Qt.ItemDataRole.UserRole + 1, run.colour)

    def _show_run(self, run_id) -> None:
        if self._held:
            self._due.add("run")   # (the run current at the end is shown)
            return
        has_run = run_id is not None and run_id >= 0
        self.editor_box.setEnabled(has_run)
        self.remove_button.setEnabled(has_run)
        if not has_run:
            self.description.setText("Add a run to start a race.")
            for row in self.hyper_rows.values():
                row.setVisible(False)
            self.lr_note.setVisible(False)
            self.step_size.show_run(self.model.objective, None)
            self.run_selected.emit(-1)
            return
        run = self.model.run(run_id)
        with QSignalBlocker(self.method_combo):
            self.method_combo.setCurrentIndex(self.method_combo.findData(run.method))
        self.colour_button.setStyleSheet(f"background-color: {run.colour};")
        self.description.setText(METHODS[run.method].description)
        for name, row in self.hyper_rows.items():
            row.setVisible(name in run.hyper)
            if name in run.hyper:
                row.set_value(run.hyper[name])
        self.lr_note.setVisible(run.auto_lr and run.method in SCALED_METHODS)
        self.step_size.show_run(self.model.objective, run)
        self.show_start(run.start)
        self.run_selected.emit(run_id)

    def show_start(self, point) -> None:
        self.start_box.show_point(point)

    def _show_hyper_error(self, message: str) -> None:
        self.hyper_error.setText(message)
        self.hyper_error.setVisible(bool(message))


def colour_icon(colour: str) -> QIcon:
    pixmap = QPixmap(14, 14)
    pixmap.fill(QColor(colour))
    return QIcon(pixmap)
