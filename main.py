"""Start Gradscape: ``python main.py [FILE]``, or render one picture and exit:
``python main.py --screenshot OUT.png [--preset NAME] [--tab surface|descent|graph|matrix] [--demo] [--size 1400x880]``.

With --screenshot nothing waits on a person: a file, preset or tab that cannot be used prints "error: …" on stderr
and exits with status 2.
"""
from __future__ import annotations

import argparse
import gc
import os
import sys

from gui import __version__

SETTLE_DELAY_MS = 1500   # after the event loop starts: the first window has painted by then


def _parse_args(argv):
    parser = argparse.ArgumentParser(prog="gradscape", description="Multivariable calculus for machine learning, "
                                                                   "made visible.")
    parser.add_argument("file", nargs="?", help="a file to open (e.g. a *.gssurface.json or *.gsgraph.json)")
    parser.add_argument("--screenshot", metavar="OUT.png", help="render the window once to OUT.png and exit")
    parser.add_argument("--preset", metavar="NAME", help="start on a function preset (key or name)")
    parser.add_argument("--tab", metavar="NAME", help="start on this workspace tab (surface, descent, graph, matrix)")
    parser.add_argument("--demo", action="store_true",
                        help="put the shown workspace in its demonstration state (used for the docs images)")
    parser.add_argument("--size", default="1400x880", metavar="WxH", help="window size for --screenshot")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    args = parser.parse_args(argv)
    try:
        width, height = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        parser.error(f"--size must look like 1400x880, not {args.size!r}")
    args.size = (width, height)
    return parser, args


def _configure_qt():
    from PySide6.QtCore import QCoreApplication, Qt
    # without shared contexts only the first GL view in the process renders (pyqtgraph caches shader programs)
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    QCoreApplication.setOrganizationName("Gradscape")
    QCoreApplication.setApplicationName("Gradscape")
    QCoreApplication.setApplicationVersion(__version__)


def _prepare(window, parser, args) -> None:
    from gui.workspace_protocol import HasDemo, HasPresets
    if args.tab:
        try:
            window.show_workspace(args.tab.lower())
        except KeyError as error:
            parser.error(str(error.args[0]))
    workspace = window.current_workspace()
    if args.preset:
        if not isinstance(workspace, HasPresets):
            parser.error(f"the {args.tab} workspace has no presets")
        try:
            workspace.apply_preset(args.preset)
        except (KeyError, ValueError) as error:
            parser.error(str(error.args[0]))
    if args.demo and isinstance(workspace, HasDemo):
        workspace.demo()


def _screenshot(app, window, path: str, size) -> int:
    from PySide6.QtCore import QEventLoop, QTimer
    window.resize(*size)
    window.show()
    loop = QEventLoop()
    # let layouts settle and the GL views paint a few frames before grabbing
    QTimer.singleShot(600, loop.quit)
    loop.exec()
    workspace = window.current_workspace()
    if hasattr(workspace, "flush"):   # what it still draws a piece per turn (the Descent's first race) is drawn now
        workspace.flush()
    app.processEvents()
    from gui.views.capture import grab_with_gl
    image = grab_with_gl(window)
    if not image.save(path):
        print(f"error: could not write {path}", file=sys.stderr)
        return 2
    return 0


def start_qt():
    """The QApplication, with Python's automatic garbage collection off from the first import on (see gui.garbage:
    a worker thread must never run a Qt destructor): the start's imports and widgets are not walked by collections
    that would find nothing to free. :func:`settle_after_first_paint` installs the GUI thread's collector.

    numpy, PyOpenGL and the engine are imported before PySide6: once loaded, PySide6 reads the source of every module
    imported after it (looking for its ``__feature__`` switches), which for these ~250 modules that never use Qt cost
    a tenth of the start."""
    gc.disable()
    import numpy  # noqa: F401 - imported before PySide6, see above
    from OpenGL import GL  # noqa: F401
    import engine  # noqa: F401
    _configure_qt()
    from PySide6.QtWidgets import QApplication
    return QApplication.instance() or QApplication(sys.argv[:1])


def first_window(*, interactive: bool, restore_state: bool):
    """The main window as the app opens it (benchmarks/bench_startup.py times this path up to the first paint)."""
    from gui.main_window import MainWindow
    return MainWindow(restore_state=restore_state, interactive=interactive)


def settle_after_first_paint(app, delay_ms: int = SETTLE_DELAY_MS, window=None) -> None:
    """Once the first picture is up, not before it: move what the start built out of the collector's reach (one
    full collection, gui.garbage.freeze_long_lived), then collect on the GUI thread on a timer. Installed at start,
    the collector's first tick fell due during the imports and ran a full collection before the first paint.
    With ``window``, the modules of its tabs not built yet are then imported one per turn (MainWindow.prefetch_tabs)
    and frozen too once all are in."""
    from PySide6.QtCore import QTimer

    def settle():
        from gui.garbage import collect_on_gui_thread, freeze_long_lived, freeze_settled
        freeze_long_lived()
        collect_on_gui_thread(app)
        if window is not None:
            window.prefetch_tabs().finished.connect(freeze_settled)

    QTimer.singleShot(delay_ms, app, settle)


def main(argv=None) -> int:
    parser, args = _parse_args(sys.argv[1:] if argv is None else argv)
    app = start_qt()
    if args.file and not os.path.exists(args.file):
        parser.error(f"no such file: {args.file}")
    interactive = args.screenshot is None
    window = first_window(interactive=interactive, restore_state=interactive)
    if interactive:
        window.show()   # an error about FILE then appears over the window, which stays usable
    if args.file and not window.open_path(args.file) and not interactive:
        print(f"error: {window.last_error}", file=sys.stderr)
        window.close()
        return 2
    _prepare(window, parser, args)
    if args.screenshot:
        code = _screenshot(app, window, args.screenshot, args.size)
        window.close()
        return code
    settle_after_first_paint(app, window=window)
    from gui.error_report import install_error_reporter
    install_error_reporter(window)   # an error no code caught is logged and shown, not printed to a terminal
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
