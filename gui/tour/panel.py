"""The chapter tour panel: a dock beside the workspaces with the chapter's sections, the steps of the current one, the
step's explanation with its numbers filled from the live scene, the chapter's erratum where it has one, an exercise,
Next/Back (and the arrow keys), a progress bar, and Leave tour, which puts back what the user had before.

Issue 12 (no event-loop gap over 100 ms): a step's tab is shown in one turn and its scene applied in the next, after
that frame (a scene not yet applied when the user moves on is dropped); the workspaces draw the scene over their own
turns; numbers found on a worker (critical points) fill the text when they arrive."""
from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QDockWidget, QHBoxLayout, QLabel, QListWidget, QPushButton,
                               QScrollArea, QVBoxLayout, QWidget)

from gui.progress_bar import ProgressBar
from gui.tour.critical_finder import critical_finder
from gui.tour.exercise_box import ExerciseBox
from gui.tour.facts import FactError, facts_for, fill
from gui.tour.format import TOUR_DIR, load_tour
from gui.tour.highlight import HighlightFrame
from gui.tour.scenes import TOUCHES, SceneUnavailable, apply_scene, workspace
from gui.tour.state import TourSnapshot, built
from gui.tour.turns import AfterFrame, OneRepaint, when_settled, workspace_settled

ERRATUM_STYLE = "background: #3a2f12; border: 1px solid #eab308; border-radius: 4px; padding: 6px;"
ERROR_STYLE = "color: #ff8a80;"


def rich(text: str) -> str:
    """Plain step text as rich text: `quoted formulas` in a monospace face."""
    parts = html.escape(text).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))


class TourPanel(QDockWidget):
    scene_applied = Signal(int)   # the step whose scene was just applied (its text filled with what it can)

    def __init__(self, window, folder: str | Path = TOUR_DIR):
        super().__init__("Chapter tour", window)
        self.setObjectName("tourDock")
        self.window_ = window
        self.tour = load_tour(folder)
        self.steps = self.tour.steps()
        self.index = -1
        self.snapshot: TourSnapshot | None = None
        self.scene_error = ""
        self._refresh_pending = False
        self._scene_turn = AfterFrame(self)   # a step's scene is applied after the frame that shows its tab
        self._one_repaint = OneRepaint(window)
        self._followed: set[str] = set()
        self._concealed: list[QWidget] = []
        self.highlight = HighlightFrame(window)
        self.setWidget(self._build())
        self.setMinimumWidth(360)
        window.installEventFilter(self)
        self._follow_models()
        self.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetClosable
                         | QDockWidget.DockWidgetFeature.DockWidgetMovable)

    # --- construction ---------------------------------------------------------------------------------------
    def _build(self) -> QWidget:
        body = QWidget(objectName="tourBody")
        self.errorsLabel = QLabel(objectName="tourErrors", wordWrap=True, styleSheet=ERROR_STYLE)
        self.errorsLabel.setText("\n".join(f"Refused {e}" for e in self.tour.errors))
        self.errorsLabel.setVisible(bool(self.tour.errors))
        self.sectionList = QListWidget(objectName="tourSections")
        self.sectionList.addItems([f"{i + 1}. {s.title}" for i, s in enumerate(self.tour.sections)])
        self.sectionList.setMaximumHeight(150)
        self.sectionList.currentRowChanged.connect(self._on_section_chosen)
        self.stepList = QListWidget(objectName="tourSteps")
        self.stepList.setMaximumHeight(110)
        self.stepList.currentRowChanged.connect(self._on_step_chosen)
        scroll = self._build_step_view()
        self.progress = ProgressBar(objectName="tourProgress")
        self.progress.setRange(0, max(len(self.steps), 1))
        self.progress.setFormat("Step %v of %m")
        layout = QVBoxLayout(body)
        layout.addWidget(self.errorsLabel)
        layout.addWidget(self.sectionList)
        layout.addWidget(self.stepList)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.progress)
        layout.addLayout(self._build_navigation())
        for key, slot in ((Qt.Key.Key_Right, self.next), (Qt.Key.Key_Left, self.back)):
            shortcut = QShortcut(QKeySequence(key), body, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        return body

    def _build_step_view(self) -> QScrollArea:
        """The step's title, text, erratum, scene problem and exercise, scrolling together."""
        self.titleLabel = QLabel(objectName="tourTitle", wordWrap=True)
        self.titleLabel.setStyleSheet("font-size: 12pt; font-weight: bold;")
        self.textLabel = QLabel(objectName="tourText", wordWrap=True, textFormat=Qt.TextFormat.RichText)
        self.textLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.erratumLabel = QLabel(objectName="tourErratum", wordWrap=True, styleSheet=ERRATUM_STYLE)
        self.erratumLabel.setTextFormat(Qt.TextFormat.RichText)
        self.sceneErrorLabel = QLabel(objectName="tourSceneError", wordWrap=True, styleSheet=ERROR_STYLE)
        self.exercise = ExerciseBox(checked=self._on_checked)
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 4, 0)
        for w in (self.titleLabel, self.textLabel, self.erratumLabel, self.sceneErrorLabel, self.exercise):
            column.addWidget(w)
        column.addStretch(1)
        scroll = QScrollArea(widgetResizable=True, objectName="tourScroll")
        scroll.setWidget(content)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        return scroll

    def _build_navigation(self) -> QHBoxLayout:
        self.backButton = QPushButton("◀ Back", objectName="tourBack", clicked=self.back)
        self.nextButton = QPushButton("Next ▶", objectName="tourNext", clicked=self.next)
        self.leaveButton = QPushButton("Leave tour", objectName="tourLeave", clicked=self.leave)
        self.leaveButton.setToolTip("Close the tour and put back the functions, points, runs and graph you had")
        nav = QHBoxLayout()
        nav.addWidget(self.backButton)
        nav.addWidget(self.nextButton)
        nav.addStretch(1)
        nav.addWidget(self.leaveButton)
        return nav

    # --- starting and leaving -------------------------------------------------------------------------------
    def start(self, index: int = 0) -> None:
        """Open the tour (remembering what the user has, the first time) and show step ``index``."""
        if self.snapshot is None:
            self.snapshot = TourSnapshot.take(self.window_)
        self._surface_repaints(self._one_repaint.hold_scene_repaints)
        self.show()
        self.raise_()
        if self.steps:
            self.go(index if self.index < 0 else self.index)

    def leave(self, closing: bool = False) -> None:
        """Put back what the user had before the tour and close the panel (``closing``: the window is closing)."""
        snapshot, self.snapshot = self.snapshot, None
        self._surface_repaints(None)
        self.highlight.hide()
        self._reveal_concealed()
        if snapshot is not None:
            kept = snapshot.restore(self.window_, closing)
            if kept:
                self.window_.statusBar().showMessage(
                    f"Tour left. Your own later edits were kept in: {', '.join(kept)}", 8000)
        self.index = -1
        self._scene_turn.cancel()
        self.hide()

    def _surface_repaints(self, hold) -> None:
        """While the tour is open, the Surface's redraw turns hold the plots' repaints for one per piece (``hold``;
        None: as the Surface does on its own)."""
        surface = built(self.window_, "surface")
        if surface is not None and hasattr(surface, "turns"):
            surface.turns.before_frame = hold

    def eventFilter(self, watched, event) -> bool:
        """The window is closing: leave the tour first, so what is saved or asked about is the user's own work."""
        if watched is self.window_ and event.type() == QEvent.Type.Close and self.snapshot is not None:
            self.leave(closing=True)
        return False

    def closeEvent(self, event) -> None:
        """The dock's own ✕ is the same as Leave tour."""
        if self.snapshot is not None:
            self.leave()
        super().closeEvent(event)

    # --- moving ---------------------------------------------------------------------------------------------
    def next(self) -> None:
        if self.index + 1 < len(self.steps):
            self.go(self.index + 1)

    def back(self) -> None:
        if self.index > 0:
            self.go(self.index - 1)

    def go(self, index: int) -> None:
        """Step ``index``: its tab is shown in this turn (that frame is the whole window's), its scene is applied in
        a turn of its own after that frame (:meth:`_apply_step`), unless the user has moved on by then."""
        if not 0 <= index < len(self.steps):
            return
        self.index = index
        section, step = self.steps[index]
        self._sync_lists(section, step)
        self.progress.setValue(index + 1)
        self.backButton.setEnabled(index > 0)
        self.nextButton.setEnabled(index + 1 < len(self.steps))
        self._reveal_concealed()
        self.highlight.hide()
        try:
            for key in TOUCHES[step.workspace]:   # built now if the window builds tabs on first use, then marked
                workspace(self.window_, key)
            if self.snapshot is not None:
                self.snapshot.mark_new(self.window_)
            self._follow_models()
            if built(self.window_, step.workspace) is not None and not self._catches_up(step.workspace):
                self.window_.show_workspace(step.workspace)   # painted before the scene is applied
                self._one_repaint.now()
        except (SceneUnavailable, ValueError, KeyError):
            pass   # said by the scene itself, next turn
        self._scene_turn.later(lambda: self._apply_step(index))   # replaces a scene not yet applied

    def _catches_up(self, key: str) -> bool:
        """A hidden Descent tab, shown, works out the race of a function it missed while hidden: its scene shows it,
        inside the scene's batch and after removing the runs (see gui.tour.scenes.apply_descent), not this turn."""
        ws = built(self.window_, key)
        return key == "descent" and ws is not None and not ws.isVisible()

    def _apply_step(self, index: int) -> None:
        if index != self.index or self.snapshot is None:
            return   # the user left the tour before this step's scene was due
        _section, step = self.steps[index]
        self.scene_error = ""
        try:
            apply_scene(self.window_, step.scene, f"Tour: {step.title}")
        except (SceneUnavailable, ValueError, KeyError) as err:
            self.scene_error = f"This scene cannot be shown: {err}"
        self.show_step_text()
        self._conceal(step)
        self._highlight_when_placed(index, step)
        self._one_repaint.now()
        self.scene_applied.emit(index)

    @property
    def settled(self) -> bool:
        """The step's scene is applied, its workspace has drawn it, the numbers its text waits for (critical
        points found on a worker) have come and the text is filled with them."""
        if self.index < 0:
            return True
        step = self.steps[self.index][1]
        ws = built(self.window_, step.workspace)
        surface = built(self.window_, "surface")
        return (not self._scene_turn.waiting and not self._refresh_pending and (ws is None or workspace_settled(ws))
                and (surface is None or not step.scene.get("find_critical") or not surface.critical.is_running()))

    def _highlight_when_placed(self, index: int, step) -> None:
        """Frame the step's highlight once the layouts have placed what this step just added (choices, a tab
        brought forward), and once the workspace, which draws a scene over several turns, has."""
        def show() -> None:
            if self.index == index:
                target = self.window_.findChild(QWidget, step.highlight) if step.highlight else None
                self.highlight.show_around(target)
        ws = built(self.window_, step.workspace)
        if ws is not None:
            when_settled(ws, lambda: QTimer.singleShot(0, self, show))
        else:
            QTimer.singleShot(0, self, show)

    def show_step_text(self, keep_exercise: bool = False) -> None:
        """Fill the step's text (and erratum, exercise hints) with the numbers the scene shows now; the exercise's
        answer and verdict stay when ``keep_exercise`` (the user moved something within the step)."""
        _section, step = self.steps[self.index]
        facts = None if self.scene_error else facts_for(self.window_, step.scene)
        filler = (lambda text: self._filled(text, facts))
        self.titleLabel.setText(step.title)
        self.textLabel.setText(rich(filler(step.text)))
        if step.erratum:
            self.erratumLabel.setText(
                "<b>The chapter prints:</b> <code>" + html.escape(step.erratum["printed"]) + "</code>"
                "<br><b>What the app computes:</b> " + rich(filler(step.erratum["text"])))
        self.erratumLabel.setVisible(bool(step.erratum))
        self.sceneErrorLabel.setText(self.scene_error)
        self.sceneErrorLabel.setVisible(bool(self.scene_error))
        if keep_exercise:
            self.exercise.fill = filler
        else:
            self.exercise.set_exercise(step.exercise, filler)

    # --- following the user within a step -------------------------------------------------------------------
    def _follow_models(self) -> None:
        """When the user moves the point, edits the graph or the matrices, or runs a race, the step's numbers
        follow: they always describe what is on screen. (Called again as workspaces get built.)"""
        w = self.window_
        signals = {"session": lambda _ws: [w.session.point_changed, w.session.function_changed,
                                            w.session.domain_changed],
                   "graph": lambda ws: [ws.undo_stack.indexChanged], "matrix": lambda ws: [ws.model.state_changed],
                   "descent": lambda ws: [ws.model.runs_advanced],
                   "surface": lambda ws: [ws.critical.results_changed]}   # found on its worker: the text fills in
        for key, of in signals.items():
            ws = w if key == "session" else built(w, key)
            if ws is not None and key not in self._followed:
                self._followed.add(key)
                for signal in of(ws):
                    signal.connect(self._schedule_refresh)

    def _schedule_refresh(self, *_args) -> None:
        if self.snapshot is not None and self.index >= 0 and not self._refresh_pending:
            self._refresh_pending = True
            QTimer.singleShot(0, self, self._refresh)

    def _refresh(self) -> None:
        self._refresh_pending = False
        if self.snapshot is None or self.index < 0:
            return
        surface = built(self.window_, "surface")
        if surface is not None and self.current_step().scene.get("find_critical"):
            critical_finder(surface).ensure()   # a new function within the step: its critical points are searched
        self.show_step_text(keep_exercise=True)

    # --- controls an exercise hides until it is answered ------------------------------------------------------
    def _conceal(self, step) -> None:
        """Hide what would give the exercise's answer away (say the Inspector's formulas) until it is answered."""
        for name in step.conceal:
            widget = self.window_.findChild(QWidget, name)
            if widget is not None and widget.isVisibleTo(widget.parentWidget() or widget):
                widget.hide()
                self._concealed.append(widget)

    def _reveal_concealed(self) -> None:
        for widget in self._concealed:
            widget.show()
        self._concealed = []

    def _on_checked(self, verdict) -> None:
        if verdict.correct:
            self._reveal_concealed()   # now compare with the app's own derivation

    @staticmethod
    def _filled(text: str, facts) -> str:
        if facts is None:
            return text
        try:
            return fill(text, facts)
        except (FactError, ValueError, KeyError, IndexError) as err:
            return f"{text}  [a number could not be computed: {err}]"

    def _sync_lists(self, section, step) -> None:
        row = self.tour.sections.index(section)
        self.sectionList.blockSignals(True)
        self.sectionList.setCurrentRow(row)
        self.sectionList.blockSignals(False)
        self.stepList.blockSignals(True)
        self.stepList.clear()
        self.stepList.addItems([f"{i + 1}. {s.title}" for i, s in enumerate(section.steps)])
        self.stepList.setCurrentRow(section.steps.index(step))
        self.stepList.blockSignals(False)

    def _on_section_chosen(self, row: int) -> None:
        if 0 <= row < len(self.tour.sections):
            first = self.tour.sections[row].steps[0]
            self.go(next(i for i, (_s, st) in enumerate(self.steps) if st is first))

    def _on_step_chosen(self, row: int) -> None:
        if self.index < 0 or row < 0:
            return
        section = self.steps[self.index][0]
        if row < len(section.steps):
            target = section.steps[row]
            self.go(next(i for i, (_s, st) in enumerate(self.steps) if st is target))

    def current_step(self):
        return self.steps[self.index][1] if 0 <= self.index < len(self.steps) else None
