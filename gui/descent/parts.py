"""The Descent workspace's views and plots, each built when first needed and shown in a place kept for it.

Building the 3D view, the contour map, the loss plot and the eigen-error plot took ~60 ms and painting them the
first time as long again: done together when the tab was first shown, they held the window for 150–250 ms. Each now
has a place in the layout from the start (a :class:`Place`: a stand-in page, then the view), so that building it,
or showing its picture, later resizes nothing else. A view is built the first time anything asks for it (a cached
property), and the tab's first show asks for them one per turn of the event loop (:meth:`Parts.build_in_turns`);
a first visit by a click has built them already, hidden (:meth:`Parts.build_ahead`, first_visit.py). The 3D view is
painted with a new surface while hidden, before the turn that shows it (:meth:`Parts.paint_surface_hidden`); the
plots are shown once they draw a race.

Until a view has its function drawn, its place says "Bringing in f…" instead of showing empty axes over a
degenerate range (a big function's surface comes several turns after the tab is shown, see staging.py).

A mixin of DescentWorkspace: it uses the workspace's model, panel, session, and its start-point handlers.
"""
from __future__ import annotations

from functools import cached_property

import pyqtgraph as pg
from OpenGL import GL
from PySide6.QtCore import QCoreApplication, QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSplitter, QStackedWidget

from gui.views.contour_view import ContourView
from gui.views.curve_view import CurveView
from gui.views.surface_view import BACKGROUND, SurfaceView

LOADING = "Bringing in f…"
CURVE_PEN = pg.mkPen((135, 145, 170), width=2.0)
PLOT_HEIGHT = 160   # px, at least the loss and eigen-error plots' minimum height (a plot and a line of text)
PLOT_HINT = 220     # px, the plots' preferred height (the views take three quarters of what is left over)
CLICK_TIP = "Click: set the start of the runs · right/middle drag: pan · wheel: zoom"


class Place(QStackedWidget):
    """A view's place: a stand-in label until the view is built and :meth:`reveal` shows it."""

    def __init__(self, name: str, text: str = "", hint: QSize = QSize(400, 400)):
        super().__init__()
        self.setObjectName(name)
        self.hint = hint
        self.label = QLabel(text, objectName=f"{name}Label", alignment=Qt.AlignmentFlag.AlignCenter)
        self.label.setStyleSheet("background: rgb(%d, %d, %d); color: rgb(170, 176, 190); font-size: 12pt;"
                                 % BACKGROUND)
        self.addWidget(self.label)

    def sizeHint(self) -> QSize:   # noqa: N802 (Qt's name)
        """The same before and after the view arrives (a stand-in label's own hint is a line of text): the splitters
        divide the tab as they did when the views were built with it."""
        return self.hint

    def hold(self, view) -> None:
        self.addWidget(view)

    def reveal(self) -> None:
        if self.count() > 1:
            self.setCurrentIndex(1)

    def conceal(self, text: str = LOADING) -> None:
        """The stand-in again, saying ``text``, until the view is revealed."""
        self.say(text)
        self.setCurrentIndex(0)

    @property
    def revealed(self) -> bool:
        return self.currentIndex() == 1

    def say(self, text: str) -> None:
        """The stand-in's text (shown until the view is revealed)."""
        if self.label.text() != text:
            self.label.setText(text)


class Parts:
    def _build_places(self) -> QSplitter:
        """The views' places (3D and contour map for two plotted variables, the curve for one), in one splitter."""
        self.surface_place = Place("descentSurfacePlace", LOADING)
        self.contour_place = Place("descentContourPlace", LOADING)
        self.curve_place = Place("descentCurvePlace", LOADING)
        self.curve_place.hide()
        views = QSplitter(Qt.Orientation.Horizontal)
        for place in (self.surface_place, self.contour_place, self.curve_place):
            views.addWidget(place)
            views.setStretchFactor(views.count() - 1, 1)   # the 3D view and the contour map share the width evenly
        return views

    def _build_plot_places(self) -> QSplitter:
        self.loss_place = Place("lossPlace", hint=QSize(400, PLOT_HINT))
        self.eigen_place = Place("eigenPlace", hint=QSize(300, PLOT_HINT))
        for place in (self.loss_place, self.eigen_place):
            place.setMinimumHeight(PLOT_HEIGHT)   # the plots' own: building them later moves nothing
        splitter = QSplitter(Qt.Orientation.Horizontal)   # the loss plot with the eigen-error plot to its right
        splitter.addWidget(self.loss_place)
        splitter.addWidget(self.eigen_place)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        return splitter

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self.__dict__.get("_parts_asked"):
            self._parts_asked = True
            self._divide_height()
            self.build_in_turns()

    def _divide_height(self) -> None:
        """The views three quarters of the height, the plots a quarter (at least their minimum): the splitter was
        first laid out while the tab was hidden, which left the plots at their minimum."""
        splitter = self.left_splitter
        height = max(splitter.height(), self.height()) - splitter.handleWidth()
        plots = max(PLOT_HEIGHT, height // 4)
        splitter.setSizes([height - plots, plots])

    def built(self, name: str) -> bool:
        return name in self.__dict__

    def build_in_turns(self) -> None:
        """Build the views and plots not built yet, one per turn of the event loop (the tab's first show), before
        the staged drawing that needs them (one chain of turns: staging.py)."""
        self._parts_due = self.first_show_parts()
        self._schedule_turn()

    def first_show_parts(self) -> list[str]:
        """The views and plots the first show needs, in the order built (names with "_" are steps: see
        :meth:`_build_part`)."""
        if self.one_variable():
            return ["curve_view", "race1d", "loss_plot", "eigen_plot"]
        return ["surface_view", "_warm_surface_view", "race3d", "contour_view", "race2d", "loss_plot", "eigen_plot"]

    def build_ahead(self, name: str) -> None:
        """The first show's part ``name`` built ahead, while the workspace is hidden (gui/descent/first_visit.py):
        a view or plot, or the 3D view told a size (its GL set up, painted once) if the window is shown."""
        if not name.startswith("_"):
            self._build_part(name)
        elif name == "_warm_surface_view" and self.window().isVisible():
            self._size_surface_view()   # (its size is set again, and it is painted again, when shown)

    def _build_part(self, name: str) -> bool:
        """Build the part ``name`` (a name with "_" is a step, not a part); False if there was nothing to do."""
        if name.startswith("_"):
            return getattr(self, name)() is not False
        if self.built(name):
            return False
        getattr(self, name)   # built on first access
        return True

    def _warm_surface_view(self) -> bool:
        """Paint the 3D view once, hidden, at the size it will be shown at: its first paint sets up its GL state
        and has the software renderer compile the programs it draws with (tens of ms), in a turn of its own rather than
        in the turn that shows the surface."""
        if not self.surface_place.revealed and self.isVisible():
            if not self._size_surface_view():   # (told its size, it has painted once)
                self.surface_view.grabFramebuffer()
            return True
        return False

    def _size_surface_view(self) -> bool:
        """The hidden 3D view at the size it will be shown at, told so now as its show would tell it (its camera
        fitted to that size, its GL set up and painted once): told at the show, its camera moved then, which made
        what was painted hidden for it (paint_surface_hidden) stale. True if it was told (and so painted)."""
        view = self.surface_view
        view.setGeometry(self.surface_place.contentsRect())
        if view.testAttribute(Qt.WidgetAttribute.WA_PendingResizeEvent):
            view.setAttribute(Qt.WidgetAttribute.WA_PendingResizeEvent, False)
            QCoreApplication.sendEvent(view, QResizeEvent(view.size(), QSize()))
            return True
        return False

    def paint_surface_hidden(self, what: str) -> None:
        """Before the 3D view is shown with a new surface: paint, hidden, its text (``what`` = "text") or its
        still layer (the surface, its axes and text: "layer"), each in a turn of its own, so that the turn which
        shows it only copies the layer to the screen (painted there, the first frame of a surface held the window
        for 50-75 ms, with the window composed after it). Nothing to do when the view is shown already."""
        view = self.__dict__.get("surface_view")
        if view is None or self.surface_place.revealed or not self.isVisible() or view.extent is None \
                or view.layers is None or not view.layers.enabled or view.context() is None:
            return
        self._size_surface_view()
        view.makeCurrent()
        try:
            if what == "text":
                view.text.prepare()
            else:
                view.layers.prepare()
            GL.glFlush()   # the renderer starts on it now, and has finished by the turn that shows it
        finally:
            view.doneCurrent()

    def _stage_text(self) -> None:
        """(A stage, staging.py) The 3D view's text painted hidden."""
        self.paint_surface_hidden("text")

    def _stage_layer(self) -> None:
        """(A stage, staging.py) The 3D view's surface painted hidden, into its layer: the next turn shows it."""
        self.paint_surface_hidden("layer")

    # --- the parts ------------------------------------------------------------------------------------------------
    @cached_property
    def surface_view(self) -> SurfaceView:
        view = SurfaceView()
        view.enable_layers()   # a frame repaints the moving items over the cached surface and trails
        view.setObjectName("descentSurfaceView")
        view.setCameraPosition(distance=21.0)
        self.surface_place.hold(view)
        return view

    @cached_property
    def contour_view(self) -> ContourView:
        return self._placed_plot(ContourView(), "descentContourView", self.contour_place, lambda x, y: (x, y))

    @cached_property
    def curve_view(self) -> CurveView:
        view = CurveView()
        for item in view.plotItem.listDataItems():   # the function's curve: neutral, runs are coloured
            item.setPen(CURVE_PEN)
        return self._placed_plot(view, "descentCurveView", self.curve_place, lambda x, _f: (x,))

    def _placed_plot(self, view, name: str, place: Place, start_at):
        """A 2D view in its place: a click sets the runs' start (``start_at`` of the clicked point)."""
        view.setObjectName(name)
        view.setToolTip(CLICK_TIP)
        self._plain_plot(view.plotItem)
        view.point_clicked.connect(lambda *clicked: self.panel.apply_start(start_at(*clicked)))
        self._one_paint.scenes.append(view.scene())
        place.hold(view)
        return view

    @cached_property
    def race3d(self):
        from gui.descent.scene3d import Race3D
        return Race3D(self.surface_view)

    @cached_property
    def race2d(self):
        from gui.descent.scene2d import Race2D
        return Race2D(self.contour_view)

    @cached_property
    def race1d(self):
        from gui.descent.scene1d import Race1D
        return Race1D(self.curve_view)

    @cached_property
    def loss_plot(self):
        from gui.descent.loss_plot import LossPlot
        plot = LossPlot()
        self._one_paint.scenes.append(plot.plot.scene())
        self.loss_place.hold(plot)   # shown once it draws a race (not in the turn that shows the tab first)
        return plot

    @cached_property
    def eigen_plot(self):
        from gui.descent.eigen_error_plot import EigenErrorPlot
        plot = EigenErrorPlot(self.model)
        self.panel.run_selected.connect(self._select_in_eigen_plot)
        if self.model.runs:
            plot.select(self.panel.current_run_id())
        self._one_paint.scenes.append(plot.plot.scene())
        self.eigen_place.hold(plot)   # shown once it draws a race
        return plot

    def _select_in_eigen_plot(self, run_id: int) -> None:
        """The eigen-error plot shows the selected run: drawn with the race while its redraws are held."""
        if self._redraws_held:
            self.eigen_plot.run_id = int(run_id)
            self._redraw_due = True
        else:
            self.eigen_plot.select(run_id)

    @staticmethod
    def _plain_plot(plot) -> None:
        from gui.descent.loss_plot import cache_axes
        # pyqtgraph's auto-range "A" button would show in every exported frame; R / the View menu reset the view
        plot.hideButtons()
        cache_axes(plot)
