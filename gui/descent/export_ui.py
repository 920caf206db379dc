"""The Descent workspace's export controls: the race as a GIF, MP4 or WebM at a chosen width (with progress and
cancel, never stalling the window) and a PNG of the frame.

A mixin of DescentWorkspace: it uses the workspace's model, player, views and redraw().
"""
from __future__ import annotations

from PySide6.QtGui import QImage
from PySide6.QtWidgets import (QComboBox, QFileDialog, QGraphicsView, QHBoxLayout, QLabel, QMessageBox,
                               QPushButton, QVBoxLayout, QWidget)

from gui.descent.compose import compose_frame
from gui.descent.gl_grab import grab_slices, widget_in_strips
from gui.descent.export import FORMATS, MAX_FRAMES, MAX_GIF_FRAMES, RaceExporter, format_of, frame_steps
from gui.png_files import save_png
from gui.progress_bar import ProgressBar
from engine.analysis.verdicts import undefined_where
from engine.files import FileError

EXPORT_PRE_RUN = 200   # exporting before any step first plays the race this far
PROGRESS_STEPS = 20    # the progress bar moves in about this many steps
WIDTHS = ((640, "640 px wide"), (900, "900 px wide"), (None, "as shown"))


class ExportControls:
    def _build_export_box(self) -> QWidget:
        box = QWidget()
        v = QVBoxLayout(box)
        v.setContentsMargins(6, 0, 6, 6)
        choices = QHBoxLayout()
        self.format_combo = QComboBox(objectName="exportFormatCombo")
        for key, label in FORMATS.items():
            self.format_combo.addItem(label, key)
        self.format_combo.setToolTip("GIF plays everywhere; MP4 and WebM are much smaller")
        self.width_combo = QComboBox(objectName="exportWidthCombo")
        for width, label in WIDTHS:
            self.width_combo.addItem(label, width)
        self.width_combo.setCurrentIndex(1)
        self.width_combo.setToolTip("Width of the exported animation (smaller: a smaller file)")
        choices.addWidget(self.format_combo, 1)
        choices.addWidget(self.width_combo, 1)
        v.addLayout(choices)
        row = QHBoxLayout()
        self.gif_button = QPushButton("Export race…", objectName="exportGifButton")
        self.gif_button.setToolTip("Save the race, replayed from its start, as an animation")
        self.gif_button.clicked.connect(self._ask_gif_path)
        self.png_button = QPushButton("Save frame…", objectName="exportPngButton")
        self.png_button.setToolTip("Save the current frame (3D, contour and loss) as a PNG")
        self.png_button.clicked.connect(self._ask_png_path)
        row.addWidget(self.gif_button)
        row.addWidget(self.png_button)
        v.addLayout(row)
        progress_row = QHBoxLayout()
        self.export_progress = ProgressBar(objectName="exportProgress")
        self.cancel_export_button = QPushButton("Cancel", objectName="cancelExportButton")
        self.cancel_export_button.setToolTip("Stop the export; no file is left behind")
        self.cancel_export_button.clicked.connect(self.cancel_export)
        progress_row.addWidget(self.export_progress, 1)
        progress_row.addWidget(self.cancel_export_button)
        v.addLayout(progress_row)
        self.export_status = QLabel(objectName="exportStatus", wordWrap=True)
        v.addWidget(self.export_status)
        self._show_export_progress(False)
        return box

    # --- export -----------------------------------------------------------------------------------------------
    def render_frame(self, step: int | None = None) -> QImage:
        """The picture of the race at ``step`` (None: as it is now), as exported."""
        slices = self.render_slices(step)
        while True:
            try:
                next(slices)
            except StopIteration as done:
                return done.value

    def render_slices(self, step: int | None):
        """:meth:`render_frame` in slices (a generator: each ``next`` does one piece, the last returns the
        picture), so an export renders one slice per timer tick and the window never waits for a whole frame."""
        self.catch_up()
        self.finish_staging()   # a big function still coming in: the frame shows it whole
        self.step_limit = step
        self.redraw()
        yield
        if self.one_variable():
            views = [(yield from widget_in_strips(self.curve_view))]
        else:
            views = [(yield from grab_slices(self.surface_view))]   # never waits on the GL renderer
            yield
            views.append((yield from widget_in_strips(self.contour_view)))
        yield
        loss = self.loss_plot.plot.grab().toImage()
        yield
        shown = max((min(r.steps, step if step is not None else r.steps) for r in self.model.runs), default=0)
        legend = [(r.colour, f"{r.label} {_short_status(r, step)}") for r in self.model.runs]
        return compose_frame(views, loss, f"{self.session.text}  ·  step {shown}", legend)

    def export_png(self, path: str) -> None:
        save_png(self.render_frame(None), path)

    def export_gif(self, path: str, frame_ms: int = 80, width: int | None | str = "chosen") -> RaceExporter:
        """Start exporting the race to ``path`` (.gif, .mp4 or .webm; returns the exporter, which reports progress
        and finished/failed/cancelled). ``width``: pixels (None: as shown); by default the one chosen in the box."""
        if self.exporter is not None and self.exporter.running:
            raise RuntimeError("an export is already running")
        self.catch_up()
        self.finish_staging()
        self.player.pause()
        if all(r.steps == 0 for r in self.model.runs):
            self.model.step(min(self.model.max_steps, EXPORT_PRE_RUN))
        last = max((r.steps for r in self.model.runs), default=0)
        cap = MAX_GIF_FRAMES if format_of(path) == "gif" else MAX_FRAMES
        self.step_limit = None
        self.redraw()
        self.loss_plot.hold_ranges(True)
        self._hold_screen(True)
        width = self.width_combo.currentData() if width == "chosen" else width
        self.exporter = RaceExporter(self.render_slices, frame_steps(last, cap), path, frame_ms, width, self)
        self.exporter.progressed.connect(self._on_export_progress)
        for signal, text in ((self.exporter.finished, "Saved {}"), (self.exporter.failed, "Export failed: {}"),
                             (self.exporter.cancelled, "Export cancelled{}")):
            signal.connect(lambda arg="", t=text: self._on_export_done(t.format(arg)))
        self._show_export_progress(True)
        self.export_progress.setRange(0, self.exporter.total)
        self.export_progress.setValue(0)
        self.export_progress.setFormat("Rendering frame %v of %m…")
        self.export_status.setText("Rendering the race…")
        self.exporter.start()
        return self.exporter

    def cancel_export(self) -> None:
        if self.exporter is not None:
            self.exporter.cancel()

    def exporting(self) -> bool:
        """An export is replaying the race (the views on screen are held, see _hold_screen)."""
        return self.exporter is not None and self.exporter.running

    def _on_export_progress(self, done: int, total: int) -> None:
        # the count is the progress bar's own text: a label's new text each frame would lay the workspace out anew;
        # and the bar moves a few times a second, not per frame (each repaint composes the whole window in GL)
        bar = self.export_progress
        if done == total or done - bar.value() >= max(1, total // PROGRESS_STEPS):
            bar.setValue(done)   # a ProgressBar: painted with the next frame, not at once
        if done == total:
            self.export_progress.setFormat("Writing the file…")
            self.export_status.setText("Writing the file…")

    def _hold_screen(self, held: bool) -> None:
        """While an export replays the race, the views on screen keep the race as it is (the replayed frames are
        grabbed off-screen): painting each replayed step on screen too would double every frame's work."""
        self.surface_view.setUpdatesEnabled(not held)   # grabFramebuffer still renders it
        mode = QGraphicsView.ViewportUpdateMode
        for view in (self.contour_view, self.curve_view, self.loss_plot.plot):   # grab() still renders the scene
            view.setViewportUpdateMode(mode.NoViewportUpdate if held else mode.MinimalViewportUpdate)
            if not held:
                view.viewport().update()

    def _on_export_done(self, message: str) -> None:
        self._hold_screen(False)
        self.step_limit = None
        self.loss_plot.hold_ranges(False)
        self.redraw()
        self._show_export_progress(False)
        self.export_status.setText(message)
        self.export_status.show()

    def _show_export_progress(self, shown: bool) -> None:
        for w in (self.export_progress, self.cancel_export_button):
            w.setVisible(shown)
        self.gif_button.setEnabled(not shown)
        if shown:
            self.export_status.show()

    def _ask_gif_path(self) -> None:
        fmt = self.format_combo.currentData()
        path, _ = QFileDialog.getSaveFileName(self, "Export the race", f"descent.{fmt}",
                                              f"{FORMATS[fmt]} (*.{fmt})")
        if path:
            self.export_gif(path if path.lower().endswith(f".{fmt}") else f"{path}.{fmt}")

    def _ask_png_path(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save the current frame", "descent.png", "PNG images (*.png)")
        if not path:
            return
        path = path if path.lower().endswith(".png") else path + ".png"   # report the file actually written
        try:
            self.export_png(path)
        except (OSError, FileError) as exc:   # atomic_write reports a file it cannot write as FileError
            QMessageBox.warning(self, "Save frame", f"Could not save the image: {exc}")
            return
        self.export_status.setText(f"Saved {path}")
        self.export_status.show()



def _short_status(run, step: int | None) -> str:
    if run.descent is None:
        return "(error)"
    shown = run.steps if step is None else min(step, run.steps)
    diverged = run.descent.diverged_at is not None and shown >= run.descent.diverged_at
    if diverged:
        return "f undefined" if undefined_where(run.descent) is not None else "diverged"
    return f"f = {run.descent.values[shown]:.3g}"
