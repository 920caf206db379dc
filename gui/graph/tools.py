"""The palette's tools: what a click on the canvas places, and how an operation's operands are filled.

An operation node (+, ×, exp, …) is an ordinary formula node in the model. While some of its operands are still
empty, the editor remembers them as *slots* and writes a neutral constant in their place (0 in a sum, 1 in a
product, …), so the formula is always valid and the node always has a value. Dragging a node's output onto it fills
the next empty slot; once every slot is filled the node is just a formula.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

EMPTY_SLOT_MARK = "□"


@dataclass(frozen=True)
class Tool:
    key: str                  # stable id ("input", "add", …)
    label: str                # what the palette button shows
    tooltip: str
    kind: str                 # "select" | "input" | "constant" | "formula" | "operation"
    prefix: str = ""          # automatic names: prefix + counter
    template: str = ""        # operations: format string over the slots {0}, {1}
    defaults: tuple[str, ...] = ()   # operations: the neutral constant written in each empty slot
    shortcut: str = ""


def _op(key, label, tooltip, prefix, template, defaults, shortcut=""):
    return Tool(key, label, tooltip, "operation", prefix, template, tuple(defaults), shortcut)


TOOLS: tuple[Tool, ...] = (
    Tool("select", "Select", "Select, move and connect nodes (Esc)", "select", shortcut="Esc"),
    Tool("input", "Input", "Place an input variable (I); double-click it to rename or set its value", "input",
         shortcut="I"),
    Tool("matrix", "Matrix", "Place a matrix or vector input: click on the canvas, give its rows × columns (Enter); "
         "double-click it later to edit its shape and numbers in a grid (or Randomize)", "tensor_input", "W"),
    Tool("constant", "Constant", "Place a constant (C); double-click to change the number", "constant", "c",
         shortcut="C"),
    _op("add", "+", "Sum of two nodes (+)", "sum", "{0} + {1}", ("0", "0"), "+"),
    _op("sub", "−", "Difference of two nodes (-)", "diff", "{0} - {1}", ("0", "0"), "-"),
    _op("mul", "×", "Product of two nodes (*)", "prod", "{0} * {1}", ("1", "1"), "*"),
    _op("div", "÷", "Quotient of two nodes (/)", "quot", "{0} / {1}", ("1", "1"), "/"),
    _op("pow", "xʸ", "Power: base, then exponent (^)", "pow", "{0} ^ {1}", ("1", "2"), "^"),
    _op("square", "x²", "Square of a node", "sq", "({0})^2", ("0",)),
    _op("exp", "exp", "Exponential", "exp", "exp({0})", ("0",)),
    _op("log", "log", "Natural logarithm", "log", "log({0})", ("1",)),
    _op("sin", "sin", "Sine", "sin", "sin({0})", ("0",)),
    _op("tanh", "tanh", "Hyperbolic tangent", "tanh", "tanh({0})", ("0",)),
    _op("sigmoid", "σ", "Logistic sigmoid 1/(1+e^−x)", "sig", "sigmoid({0})", ("0",)),
    _op("relu", "relu", "max(x, 0)", "relu", "relu({0})", ("0",)),
    _op("matmul", "A·B", "Matrix product (a scalar scales): rows of the first against columns of the second",
        "mm", "{0} * {1}", ("1", "1")),
    _op("transpose", "Aᵀ", "Transpose of a vector or matrix", "tr", "({0})'", ("0",)),
    _op("sum", "sum", "Sum of all entries of a vector or matrix", "sum", "sum({0})", ("0",)),
    _op("norm2", "‖·‖²", "Squared Euclidean (Frobenius) norm: the sum of squared entries", "nsq", "norm2({0})^2",
        ("0",)),
    Tool("formula", "Formula", "Place a formula node (F); double-click to type any formula over other node names",
         "formula", "h", shortcut="F"),
)
TOOLS_BY_KEY: dict[str, Tool] = {t.key: t for t in TOOLS}

INPUT_NAMES = ("x", "y", "z", "w", "t", "s")


@dataclass(frozen=True)
class Slots:
    """An operation node whose operands are not all chosen yet."""
    tool_key: str
    operands: tuple[str | None, ...]

    @property
    def tool(self) -> Tool:
        return TOOLS_BY_KEY[self.tool_key]

    def formula(self) -> str:
        filled = [o if o is not None else d for o, d in zip(self.operands, self.tool.defaults)]
        return self.tool.template.format(*filled)

    def display(self) -> str:
        """The formula with empty operands drawn as boxes, for the node's face."""
        shown = [o if o is not None else EMPTY_SLOT_MARK for o in self.operands]
        return self.tool.template.format(*shown)

    def is_complete(self) -> bool:
        return all(o is not None for o in self.operands)

    def filled_with(self, name: str) -> "Slots":
        i = self.operands.index(None)
        return Slots(self.tool_key, self.operands[:i] + (name,) + self.operands[i + 1:])

    def renamed(self, old: str, new: str) -> "Slots":
        return Slots(self.tool_key, tuple(new if o == old else o for o in self.operands))


def empty_slots(tool: Tool) -> Slots:
    return Slots(tool.key, tuple(None for _ in tool.defaults))


def automatic_name(tool: Tool, taken: Iterable[str]) -> str:
    """A fresh readable name: inputs take x, y, z, w, … first; other nodes a prefix and a counter."""
    taken = set(taken)
    if tool.kind == "input":
        for n in INPUT_NAMES:
            if n not in taken:
                return n
        prefix = "x"
    else:
        prefix = tool.prefix
    i = 1
    while f"{prefix}{i}" in taken:
        i += 1
    return f"{prefix}{i}"


def connect_formula(formula: str, parent: str, uses_parent: bool) -> str:
    """The formula of a plain formula node after dragging ``parent`` onto it: a constant is replaced, else added."""
    text = formula.strip()
    if uses_parent:
        raise ValueError(f"the formula already uses {parent}")
    if _is_number(text):
        return parent
    return f"{text} + {parent}"


def _is_number(text: str) -> bool:
    """A plain number as the formula grammar reads one (ASCII digits only: float() would take ١ too)."""
    try:
        float(text)
    except ValueError:
        return False
    return text.isascii()


def slots_after_rename(table: Mapping[str, Slots], old: str, new: str) -> dict[str, Slots]:
    out = {}
    for name, slots in table.items():
        out[new if name == old else name] = slots.renamed(old, new)
    return out


def slots_without(table: Mapping[str, Slots], names: Sequence[str]) -> dict[str, Slots]:
    return {n: s for n, s in table.items() if n not in names}


START_PATTERN = (0.5, -0.5, 0.25, 1.0)


def tensor_start_value(rows: int, cols: int) -> list:
    """A new Matrix/Vector input's numbers: a fixed pattern (not zeros, so a product with it shows something, and
    the same every time, so a lesson can be repeated); a column vector as a list, else a list of rows."""
    entries = [START_PATTERN[k % len(START_PATTERN)] for k in range(rows * cols)]
    matrix = [entries[r * cols:(r + 1) * cols] for r in range(rows)]
    return [row[0] for row in matrix] if cols == 1 else matrix
