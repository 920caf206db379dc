"""Editing a node's name, value or formula in place, over the node itself.

Enter commits; if the model refuses, the editor stays open with the reason shown and the text kept, so nothing the
user typed is lost. Escape cancels.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, QObject, QRectF, Qt
from PySide6.QtWidgets import QLineEdit

from gui.graph.items import HEADER_HEIGHT, NODE_WIDTH

ERROR_STYLE = "QLineEdit { border: 2px solid #dc2626; background: #fef2f2; }"


class InlineEditor(QObject):
    def __init__(self, view):
        super().__init__(view)
        self.view = view
        self.edit = QLineEdit(view.viewport())
        self.edit.setObjectName("graphInlineEditor")
        self.edit.setToolTip("Enter to apply, Esc to cancel")
        self.edit.hide()
        self.edit.installEventFilter(self)
        self.edit.returnPressed.connect(self.commit)
        self.node: str | None = None
        self.field: str | None = None
        self._apply: Callable[[str], bool] | None = None
        self._last_refusal = ""
        view.document.refused.connect(self._remember_refusal)

    def open(self, node: str, field: str, text: str, apply: Callable[[str], bool]):
        item = self.view.graph_scene.nodes[node]
        local = QRectF(4, 1, NODE_WIDTH - 8, HEADER_HEIGHT - 2) if field == "name" else \
            QRectF(4, HEADER_HEIGHT + 2, NODE_WIDTH - 8, 22)
        top_left = self.view.mapFromScene(item.mapToScene(local.topLeft()))
        width = max(160, int(local.width() * self.view.transform().m11()))
        self.node, self.field, self._apply = node, field, apply
        self.edit.setStyleSheet("")
        self.edit.setToolTip("Enter to apply, Esc to cancel")
        self.edit.setText(text)
        self.edit.setGeometry(top_left.x(), top_left.y(), width + (140 if field == "content" else 0), 24)
        self.edit.show()
        self.edit.raise_()
        self.edit.selectAll()
        self.edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def is_open(self) -> bool:
        return self.edit.isVisible()

    def commit(self):
        if not self.is_open() or self._apply is None:
            return
        self._last_refusal = ""
        if self._apply(self.edit.text()):
            self.close()
        else:
            self.edit.setStyleSheet(ERROR_STYLE)
            self.edit.setToolTip(self._last_refusal or "refused")

    def close(self):
        self._apply = None
        self.node = self.field = None
        self.edit.hide()
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def _remember_refusal(self, message: str):
        self._last_refusal = message

    def eventFilter(self, watched, event):
        if watched is not self.edit or event.type() not in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride):
            return False
        if event.key() != Qt.Key.Key_Escape:
            return False
        if event.type() == QEvent.Type.ShortcutOverride:
            event.accept()   # Esc closes this editor, not the workspace's "back to Select" shortcut
            return True
        self.close()
        return True

