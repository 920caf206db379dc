"""An exception no code caught (here: inside an undo command's undo, reached through Edit → Undo, and in a worker
thread) is shown in one non-modal box with its traceback one click away, written to errors.log, and the window
keeps working (gui.error_report)."""
import threading

import pytest
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QMessageBox

from tests.gui.surface_helpers import type_function
from gui.error_report import LOG_KEEP, append_to_log, install_error_reporter, log_path

pytestmark = pytest.mark.qt_no_exception_capture   # the reporter, not pytest-qt, handles them here


class BrokenUndo(QUndoCommand):
    def __init__(self):
        super().__init__("Broken step")

    def redo(self):
        pass

    def undo(self):
        raise ValueError("this undo cannot be taken back")


@pytest.fixture
def reporter(main_window):
    reporter = install_error_reporter(main_window)
    yield reporter
    reporter.uninstall()
    if reporter.box is not None:
        reporter.box.close()


def test_an_error_in_an_undo_command_is_shown_logged_and_the_window_carries_on(main_window, reporter, qtbot):
    surface = main_window.workspaces["surface"]
    surface.undo_stack.push(BrokenUndo())
    main_window.undo_action.trigger()          # Edit → Undo, as the menu does
    qtbot.waitUntil(lambda: reporter.box is not None and reporter.box.isVisible(), timeout=3000)
    box = reporter.box
    assert box.windowTitle() == "Gradscape hit an unexpected error"
    assert box.text().startswith("ValueError: ") and "this undo cannot be taken back" in box.text()
    assert "Undo (Ctrl+Z)" in box.text() and str(log_path()) in box.text()
    assert box.detailedText().startswith("Traceback")
    assert "raise ValueError" in box.detailedText()
    assert "this undo cannot be taken back" in main_window.statusBar().currentMessage()
    assert "this undo cannot be taken back" in log_path().read_text(encoding="utf-8")
    assert not box.isModal()
    # the window still works: a function typed now is applied
    type_function(qtbot, surface, "x**2 + y")
    assert main_window.session.expression.variables == ("x", "y")
    assert float(main_window.session.expression.evaluate({"x": 3.0, "y": 1.0})) == 10.0


def test_more_errors_while_the_box_is_open_are_counted_in_it_and_a_workers_error_arrives_too(main_window, reporter,
                                                                                            qtbot):
    def fail():
        raise RuntimeError("a worker failed")
    worker = threading.Thread(target=fail)
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: reporter.box is not None and reporter.box.isVisible(), timeout=3000)
    first = reporter.box
    surface = main_window.workspaces["surface"]
    surface.undo_stack.push(BrokenUndo())
    main_window.undo_action.trigger()
    qtbot.waitUntil(lambda: reporter.count == 2, timeout=3000)
    assert reporter.box is first and len(main_window.findChildren(QMessageBox)) == 1
    assert first.text().startswith("2 unexpected errors; the last:")
    assert "RuntimeError: a worker failed" in log_path().read_text(encoding="utf-8")
    first.button(QMessageBox.StandardButton.Close).click()
    qtbot.waitUntil(lambda: reporter.box is None, timeout=3000)
    assert reporter.count == 0


def test_the_log_keeps_its_newest_entries(tmp_path):
    path = tmp_path / "errors.log"
    for k in range(3 * LOG_KEEP // 1000):
        append_to_log(f"--- entry {k}\n" + "x" * 990 + "\n", path)
    text = path.read_text(encoding="utf-8")
    assert LOG_KEEP // 2 < path.stat().st_size <= 2 * LOG_KEEP
    assert all(line.startswith("--- entry ") or line == "x" * 990 for line in text.splitlines())   # whole lines
    assert f"--- entry {3 * LOG_KEEP // 1000 - 1}\n" in text and "--- entry 0\n" not in text
