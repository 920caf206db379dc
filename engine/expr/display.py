"""Formula trees for display, printed two ways: plain text that :func:`engine.parse` reads back, and HTML for people
(superscripts, ``·``, a true minus sign, ``e`` raised to a power, ``√``).

A tree is built from tuples ``(kind, …)`` by the constructors below; signs live only in ``neg`` nodes and numbers
are never negative, so each printer decides once where a minus goes. The printers recurse over the *display* tree
(as deep as the formula's nesting of functions and groups, never over the expression DAG), and the closed-form code
falls back to the builders' text where that recursion would be too deep. :func:`name_shared` replaces what a set
of trees repeats by names (``p = exp(-x^2 - y^2)``).
"""
from __future__ import annotations

import math
from collections import Counter
from functools import lru_cache

from engine.expr.printing import format_number

PREC_SUM, PREC_PRODUCT, PREC_NEG, PREC_POWER, PREC_ATOM = 1, 2, 3, 4, 5
SUPERSCRIPTS = str.maketrans("0123456789-.", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻·")
MINUS = "−"


# --- constructors --------------------------------------------------------------------------------------------------
def num(v: float) -> tuple:
    return ("num", float(v))


def name(text: str) -> tuple:
    return ("name", text)


def ref(label: str) -> tuple:
    """A named subexpression (``p`` in ``p = exp(-x^2 - y^2)``): text like a variable, set apart in HTML."""
    return ("ref", label)


def neg(node: tuple) -> tuple:
    return node[1] if node[0] == "neg" else ("neg", node)


def total(terms: list[tuple]) -> tuple:
    return terms[0] if len(terms) == 1 else ("sum", tuple(terms))


def product(factors: list[tuple]) -> tuple:
    factors = [f for f in factors if f != ("num", 1.0)]
    if not factors:
        return num(1.0)
    return factors[0] if len(factors) == 1 else ("prod", tuple(factors))


def fraction(numerator: tuple, denominator: tuple) -> tuple:
    return numerator if denominator == ("num", 1.0) else ("frac", numerator, denominator)


def power(base: tuple, exponent: float | tuple) -> tuple:
    if exponent == 1:
        return base
    return ("pow", base, exponent if isinstance(exponent, tuple) else num(exponent))


def call(fn: str, arg: tuple) -> tuple:
    return ("call", fn, arg)


def precedence(node: tuple) -> int:
    kind = node[0]
    if kind == "sum":
        return PREC_SUM
    if kind in ("prod", "frac"):
        return PREC_PRODUCT
    if kind == "neg":
        return PREC_NEG
    if kind == "pow":
        return PREC_POWER
    return PREC_ATOM   # numbers too: the trees hold no negative number


# --- plain text ----------------------------------------------------------------------------------------------------
@lru_cache(maxsize=8192)   # the closed-form search measures the same subtrees many times
def to_text(node: tuple) -> str:
    kind = node[0]
    if kind == "num":
        return format_number(node[1])
    if kind in ("name", "ref", "unwritten"):
        return node[1]
    if kind == "neg":
        inner = node[1]
        return "-" + _wrap_text(inner, inner[0] in ("sum", "neg"))
    if kind == "sum":
        parts = [_wrap_text(node[1][0], node[1][0][0] == "sum")]
        for term in node[1][1:]:
            parts.append(" - " + _wrap_text(term[1], term[1][0] == "sum") if term[0] == "neg"
                         else " + " + _wrap_text(term, term[0] == "sum"))
        return "".join(parts)
    if kind == "prod":
        return "*".join(_wrap_text(f, precedence(f) < PREC_POWER and f[0] != "num") for f in node[1])
    if kind == "frac":
        top, bottom = node[1], node[2]
        return _wrap_text(top, precedence(top) < PREC_PRODUCT) + "/" + _wrap_text(bottom, precedence(bottom) < PREC_POWER)
    if kind == "pow":
        base, exponent = node[1], node[2]
        return _wrap_text(base, precedence(base) <= PREC_POWER) + "^" + _exponent_text(exponent)
    if kind == "call":
        return f"{node[1]}({to_text(node[2])})"
    raise ValueError(f"unknown display node {kind!r}")


def _exponent_text(exponent: tuple) -> str:
    if exponent[0] == "num":
        return format_number(exponent[1])
    return _wrap_text(exponent, precedence(exponent) < PREC_ATOM)


def _wrap_text(node: tuple, parens: bool) -> str:
    text = to_text(node)
    return f"({text})" if parens else text


# --- HTML ----------------------------------------------------------------------------------------------------------
@lru_cache(maxsize=2048)
def to_html(node: tuple) -> str:
    """Readable markup for a QLabel: x², 2x·e^(…), a − b, √x, p/q."""
    kind = node[0]
    if kind == "num":
        return _number_html(node[1])
    if kind in ("name", "unwritten"):
        return _escape(node[1])
    if kind == "ref":
        return f"<i>{_escape(node[1])}</i>"
    if kind == "neg":
        inner = node[1]
        return MINUS + _wrap_html(inner, inner[0] in ("sum", "neg"))
    if kind == "sum":
        parts = [_wrap_html(node[1][0], node[1][0][0] == "sum")]
        for term in node[1][1:]:
            parts.append(f" {MINUS} " + _wrap_html(term[1], term[1][0] == "sum") if term[0] == "neg"
                         else " + " + _wrap_html(term, term[0] == "sum"))
        return "".join(parts)
    if kind == "prod":
        return _product_html(node[1])
    if kind == "frac":
        top, bottom = node[1], node[2]
        return _wrap_html(top, precedence(top) < PREC_PRODUCT) + "/" + _wrap_html(bottom, precedence(bottom) < PREC_POWER)
    if kind == "pow":
        return _power_html(node[1], node[2])
    if kind == "call":
        fn, arg = node[1], node[2]
        if fn == "exp":
            return f"e<sup>{to_html(arg)}</sup>"
        if fn == "sqrt":
            return "√" + _wrap_html(arg, precedence(arg) < PREC_ATOM)
        return f"{fn}({to_html(arg)})"
    raise ValueError(f"unknown display node {kind!r}")


def display_html(node: tuple, lead: str = "") -> str:
    """``lead`` (e.g. "∂f/∂x = ") and the formula, a formula that is one fraction set as a stacked fraction (a
    one-row table: Qt's rich text has no inline fraction), anything else inline as :func:`to_html` writes it."""
    sign = ""
    if node[0] == "neg" and node[1][0] == "frac":
        sign, node = MINUS, node[1]
    if node[0] != "frac":
        return lead + to_html(node)
    cell = "cellspacing='0' cellpadding='0'"
    return (f"<table {cell}><tr><td valign='middle'>{lead}{sign}</td><td><table {cell}>"
            f"<tr><td align='center' style='border-bottom: 1px solid'>&nbsp;{to_html(node[1])}&nbsp;</td></tr>"
            f"<tr><td align='center'>&nbsp;{to_html(node[2])}&nbsp;</td></tr></table></td></tr></table>")


def _number_html(v: float) -> str:
    if v == math.pi:
        return "π"
    return format_number(v).replace("-", MINUS)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _wrap_html(node: tuple, parens: bool) -> str:
    text = to_html(node)
    return f"({text})" if parens else text


def _power_html(base: tuple, exponent: tuple) -> str:
    if base == ("num", math.e) or base == ("name", "e"):
        head = "e"
    else:
        head = _wrap_html(base, precedence(base) <= PREC_POWER or base[0] == "call" and base[1] == "exp")
    if exponent[0] == "num" and exponent[1].is_integer() and abs(exponent[1]) < 1000:
        return head + format_number(exponent[1]).translate(SUPERSCRIPTS)
    return f"{head}<sup>{to_html(exponent)}</sup>"


def _simple_letter(node: tuple) -> bool:
    """A one-letter name or a power of one: written right after a number or another letter (2xy², not 2·x·y²)."""
    if node[0] == "pow":
        node = node[1]
    return node[0] == "name" and len(node[1]) == 1


def _product_html(factors: tuple) -> str:
    out = ""
    previous = None
    for f in factors:
        text = _wrap_html(f, precedence(f) < PREC_POWER and f[0] != "num")
        if previous is not None:
            juxtapose = _simple_letter(f) and (previous[0] == "num" or _simple_letter(previous)) or (
                previous[0] == "num" and (f[0] == "ref" or f[0] == "pow" and f[1][0] == "ref"))
            out += "" if juxtapose else "·"
        out += text
        previous = f
    return out


# --- naming shared subexpressions --------------------------------------------------------------------------------
def name_shared(trees: list[tuple], free: list[str], limit: int) -> tuple[list[tuple], list[tuple[str, tuple]]]:
    """Trees with subexpressions they repeat replaced by names (taken in order from ``free``, at most ``limit``)
    where the whole set, definitions included, gets shorter; and the (name, subexpression) pairs, each defined
    before a later one that uses it."""
    offered, free = list(free), list(free)
    bindings: list[tuple[str, tuple]] = []
    while free and len(bindings) < limit:
        counts: Counter = Counter()
        found: dict[str, tuple] = {}
        for t in trees:
            for sub in _subtrees(t):
                text = to_text(sub)
                counts[text] += 1
                found[text] = sub
        label = free[0]

        def saving(text):
            return counts[text] * (len(text) - len(label)) - len(text) - len(label) - 3
        best = max((t for t in counts if counts[t] >= 2), key=saving, default=None)
        if best is None or saving(best) <= 0 or len(best) < 8:
            break
        free.pop(0)
        trees = [_replace(t, best, ref(label)) for t in trees]
        bindings = [(name, _replace(sub, best, ref(label))) for name, sub in bindings] + [(label, found[best])]
    ordered = _defined_before_use(bindings)
    # letters in the order of definition: u, v, w, … read top to bottom
    letters = {name: new for (name, _), new in zip(ordered, sorted((n for n, _ in ordered), key=free_order(offered)))}
    return ([_rename(t, letters) for t in trees],
            [(letters[name], _rename(sub, letters)) for name, sub in ordered])


def free_order(free: list[str]):
    """Sort key putting names in the order the caller offered them."""
    rank = {name: i for i, name in enumerate(free)}
    return lambda name: rank.get(name, len(rank))


def _rename(tree: tuple, letters: dict[str, str]) -> tuple:
    if tree[0] == "ref":
        return ref(letters.get(tree[1], tree[1]))
    if tree[0] in ("sum", "prod"):
        return (tree[0], tuple(_rename(c, letters) for c in tree[1]))
    return tuple(_rename(c, letters) if isinstance(c, tuple) else c for c in tree)


def _defined_before_use(bindings: list[tuple[str, tuple]]) -> list[tuple[str, tuple]]:
    """The bindings in an order where each name is defined before a definition that uses it."""
    ordered: list[tuple[str, tuple]] = []
    waiting = list(bindings)
    while waiting:
        ready = next(b for b in waiting if _refs(b[1]) <= {name for name, _ in ordered})
        ordered.append(ready)
        waiting.remove(ready)
    return ordered


def _refs(tree: tuple) -> set[str]:
    if tree[0] == "ref":
        return {tree[1]}
    children = tree[1] if tree[0] in ("sum", "prod") else [c for c in tree[1:] if isinstance(c, tuple)]
    return set().union(*(_refs(c) for c in children)) if children else set()


def _subtrees(tree: tuple):
    """Nameable parts: function calls, powers and sums, each occurrence; never a whole formula (nor all of it but
    a number: "32·v" with v the rest names nothing worth a name)."""
    whole = {id(tree)}
    core = tree[1] if tree[0] == "neg" else tree
    whole.add(id(core))
    if core[0] == "prod" and sum(f[0] != "num" for f in core[1]) == 1:
        whole.update(id(f) for f in core[1])
    stack = [tree]
    while stack:
        node = stack.pop()
        if node[0] in ("call", "pow", "sum") and id(node) not in whole:
            yield node
        if node[0] in ("sum", "prod"):
            stack.extend(node[1])
        else:
            stack.extend(child for child in node[1:] if isinstance(child, tuple))


def _replace(tree: tuple, text: str, replacement: tuple) -> tuple:
    if tree[0] in ("call", "pow", "sum") and to_text(tree) == text:
        return replacement
    if tree[0] in ("sum", "prod"):
        return (tree[0], tuple(_replace(c, text, replacement) for c in tree[1]))
    return tuple(_replace(c, text, replacement) if isinstance(c, tuple) else c for c in tree)
