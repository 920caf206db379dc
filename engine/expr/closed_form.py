"""Closed-form formulas of derivatives for people to read: collected, combined, cancelled, shortest shape first.

The builders' derivative DAGs are made for evaluation (shared nodes, no expansion) and print as
``exp(-x^2 - y^2) - 2*x*exp(-x^2 - y^2)*x``. Here a derivative is brought to the canonical form of
:mod:`engine.expr.canonical` under each policy, and each form is written as a display tree
(:mod:`engine.expr.display`) in a few shapes — over a common denominator or not, with the common factor and the
common number taken out or not, with a factor shared by most terms collected — and the shortest text wins:
``exp(-x^2 - y^2)*(1 - 2*x^2)``. A subexpression repeated across the formulas of one gradient and Hessian can be
named once (``p = exp(-x^2 - y^2)``) when that makes the set shorter.

Every ``text`` parses back with :func:`engine.parse` to the same function (tests check it at random points);
``html`` is the same formula for people. Nothing here evaluates user text or calls a computer algebra system.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from engine.expr import display as D
from engine.expr.canonical import (MAX_TERMS, ONE_MONO, POLICIES, RELATIVE_ZERO, Converter, Mono, Poly, TooLarge,
                                   content, rational, snap, to_poly)
from engine.expr.printing import text_length_estimate

MAX_INPUT_TEXT = 20_000   # a derivative whose plain text is longer than this is shown as the builders print it
LARGE_WORK = 20_000        # (number of formulas) × (nodes of f) above which only the cheapest policy is tried
MAX_NAMES = 4
COLLECT_DEPTH = 2
FACTOR_SLACK = 2          # characters a factored shape may cost over the plain sum and still be shown
NAME_CHOICES = "pqrswgkmnabcdh"   # not u (the Inspector's direction), v or t


@dataclass(frozen=True)
class Formula:
    """One derivative: ``text`` parses back; ``html`` is for people; ``body``/``body_html`` use the shared names."""
    text: str
    html: str
    body: str
    body_html: str
    body_tree: tuple = field(default=("num", 0.0), repr=False, compare=False)

    @property
    def complete(self) -> bool:
        """False when the derivative is too long to write out and ``text`` only describes it."""
        return self.body_tree[0] != "unwritten"

    def display_html(self, lead: str = "") -> str:
        """``lead`` and the body for a rich-text label, a fraction stacked."""
        return D.display_html(self.body_tree, lead)


@dataclass(frozen=True)
class Binding:
    name: str
    text: str
    html: str


@dataclass(frozen=True)
class DerivativeFormulas:
    variables: tuple[str, ...]
    gradient: tuple[Formula, ...]
    hessian: tuple[tuple[Formula, ...], ...]
    names: tuple[Binding, ...]   # shared subexpressions the bodies use, each defined before it is used


# --- Poly → display tree ---------------------------------------------------------------------------------------------
class TreeWriter:
    """Writes Polys as display trees, each group's tree once."""

    def __init__(self):
        self.cache: dict[str, tuple] = {}
        self.monos: dict[tuple, tuple] = {}

    def tree(self, p: Poly) -> tuple:
        key = p.key
        if key not in self.cache:
            shapes = self._shapes(p)
            plain, best = shapes[0], _shortest(shapes)
            # a collected factor is what a person writes (u·(1 − u), not u − u²): it wins a near tie
            if best is plain and len(shapes) > 1 and _symbolic_factor(shapes[1]) \
                    and _length(shapes[1]) <= _length(plain) + FACTOR_SLACK:
                best = shapes[1]
            self.cache[key] = best
        return self.cache[key]

    def _shapes(self, p: Poly) -> list[tuple]:
        if not p.terms:
            return [D.num(0.0)]
        shapes = [self._terms_tree(list(p.terms.items()))]
        if len(p.terms) == 1:
            (m, c), = p.terms.items()
            if m.exp is None and len(m.powers) == 1 and m.powers[0][0].kind == "group" and m.powers[0][1] == 1:
                shapes.append(self._terms_tree(list(m.powers[0][0].args[0].scaled(c).terms.items())))   # −(1 − x)
            return shapes
        shapes.append(self._factored(p, over_common_denominator=False))
        denominator = _denominator(p)
        if denominator is not ONE_MONO:
            numerator = Poly({m.times(denominator): c for m, c in p.terms.items()})
            shapes.append(self._fraction(numerator, denominator))
            expanded = _expand_groups(numerator)
            if expanded is not None:
                shapes.append(self._fraction(expanded, denominator))
        return shapes

    def _fraction(self, numerator: Poly, denominator: Mono) -> tuple:
        common, c, rest = _split_common(numerator)
        rest, c, denominator = _cancel_group(rest, c, denominator)
        top_mono, bottom_mono = _cancel(common, denominator)
        top = self._product_with(top_mono, c, rest)
        return D.fraction(top, self._mono_tree(bottom_mono, 1.0)) if top[0] != "neg" else \
            D.neg(D.fraction(top[1], self._mono_tree(bottom_mono, 1.0)))

    def _factored(self, p: Poly, over_common_denominator: bool) -> tuple:
        common, c, rest = _split_common(p)
        return self._product_with(common, c, rest)

    def _product_with(self, common: Mono, c: float, rest: Poly, depth: int = 0) -> tuple:
        """c * common * (rest), rest a sum (or one term)."""
        if c < 0 and common is ONE_MONO:   # −(1 − x) reads better as x − 1
            rest, c = rest.scaled(-1.0), -c
        inner = self._terms_tree(list(rest.terms.items()), depth)
        if len(rest.terms) == 1 and common is ONE_MONO and c == 1.0:
            return inner
        head = self._mono_tree(common, abs(c))
        tree = D.product(_factors_of(head) + ([inner] if inner != D.num(1.0) else []))
        return D.neg(tree) if c < 0 else tree

    def _terms_tree(self, terms: list[tuple[Mono, float]], depth: int = 0) -> tuple:
        """A sum of terms, with a factor most terms share collected when that is shorter (x*(…) + …)."""
        ordered = sorted(terms, key=lambda t: (-t[0].degree(), t[0].key))
        first_positive = next((i for i, (_, c) in enumerate(ordered) if c > 0), 0)
        ordered.insert(0, ordered.pop(first_positive))
        shapes = [D.total([self._mono_tree(m, c) for m, c in ordered])]
        if depth < COLLECT_DEPTH and len(terms) >= 3:
            shapes += [self._collected(ordered, atom, depth) for atom in _most_shared(terms)]
        return _shortest(shapes)

    def _collected(self, terms: list[tuple[Mono, float]], atom, depth: int) -> tuple:
        inside = [(m, c) for m, c in terms if atom in dict(m.powers)]
        outside = [(m, c) for m, c in terms if atom not in dict(m.powers)]
        common, c, rest = _split_common(Poly(dict(inside)))
        head = self._product_with(common, c, rest, depth + 1)
        if not outside:
            return head
        tail = self._terms_tree(outside, depth + 1)
        return D.total([head] + (list(tail[1]) if tail[0] == "sum" else [tail]))

    def _mono_tree(self, m: Mono, c: float) -> tuple:
        """c * m as a product over a denominator; c's sign becomes a neg node."""
        key = (m.key, c)
        if key not in self.monos:
            self.monos[key] = self._write_mono(m, c)
        return self.monos[key]

    def _write_mono(self, m: Mono, c: float) -> tuple:
        up: list[tuple] = []
        down: list[tuple] = []
        magnitude = snap(abs(c))
        fraction = rational(magnitude)
        if fraction is not None:
            up.append(D.num(fraction.numerator))
            down.append(D.num(fraction.denominator))
        else:
            up.append(D.num(magnitude))
        for atom, e in sorted(m.powers, key=_atom_order):
            base = self._atom_tree(atom)
            (up if e > 0 else down).append(_power(base, abs(e)))
        if m.exp is not None:
            up.append(self._exp_tree(m.exp))
        if len(up) > 1 and up[0] == D.num(1.0):
            up = up[1:]
        tree = D.fraction(D.product(up), D.product(down))
        return D.neg(tree) if c < 0 else tree

    def _exp_tree(self, arg: Poly) -> tuple:
        return D.call("exp", self.tree(arg))

    def _atom_tree(self, atom) -> tuple:
        if atom.kind == "var":
            return D.name(atom.name)
        if atom.kind == "fn":
            return D.call(atom.name, self.tree(atom.args[0]))
        if atom.kind == "group":
            return self.tree(atom.args[0])
        return D.power(self.tree(atom.args[0]), self.tree(atom.args[1]))


def _atom_order(pair) -> tuple:
    atom = pair[0]
    return ({"var": 0, "fn": 2, "pow": 2, "group": 3}[atom.kind], atom.key)


def _most_shared(terms: list[tuple[Mono, float]]) -> list:
    """Up to two atoms that appear (with a positive power) in the most terms, at least two."""
    counts: Counter = Counter(a for m, _ in terms for a, e in m.powers if e > 0)
    return [a for a, n in counts.most_common(2) if n >= 2]


def _power(base: tuple, e: float) -> tuple:
    if e == 0.5:
        return D.call("sqrt", base)
    return D.power(base, e)


def _factors_of(tree: tuple) -> list[tuple]:
    if tree[0] == "prod":
        return list(tree[1])
    return [] if tree == D.num(1.0) else [tree]


def _symbolic_factor(tree: tuple) -> bool:
    """A product with a factor besides a number and the sum: a collected common factor, not just 12*(…)."""
    if tree[0] == "neg":
        tree = tree[1]
    return tree[0] == "prod" and sum(f[0] != "num" for f in tree[1]) >= 2


def _length(tree: tuple) -> int:
    return len(D.to_text(tree).replace(" ", ""))


def _shortest(trees: list[tuple]) -> tuple:
    return min(trees, key=_length)


def _denominator(p: Poly) -> Mono:
    """The product of every atom's largest negative power over the terms."""
    needed: dict = {}
    for m in p.terms:
        for atom, e in m.powers:
            if e < 0:
                needed[atom] = max(needed.get(atom, 0.0), -e)
    return Mono(needed) if needed else ONE_MONO


def _split_common(p: Poly) -> tuple[Mono, float, Poly]:
    """(common, c, rest) with p = c * common * rest: the atoms every term has (lowest power), a shared exp, and the
    coefficients' content."""
    monos = list(p.terms)
    lowest = dict(monos[0].powers)
    for m in monos[1:]:
        powers = dict(m.powers)
        lowest = {a: min(e, powers[a]) for a, e in lowest.items() if a in powers}
    lowest = {a: e for a, e in lowest.items() if e > 0 or all(dict(m.powers)[a] == e for m in monos)}
    exps = {m.exp.key if m.exp is not None else None for m in monos}
    shared_exp = monos[0].exp if len(exps) == 1 else None
    common = Mono(lowest, shared_exp) if lowest or shared_exp is not None else ONE_MONO
    inverse = common.power(-1.0)
    c = content(p)
    rest = Poly({m.times(inverse): coef / c for m, coef in p.terms.items()})
    return common, c, rest


def _cancel_group(rest: Poly, c: float, bottom: Mono) -> tuple[Poly, float, Mono]:
    """A numerator that is a multiple of a group of the denominator cancels with it: (x - y)/(y - x) is -1."""
    for atom, e in bottom.powers:
        if atom.kind != "group" or e <= 0 or set(atom.args[0].terms) != set(rest.terms):
            continue
        inner = atom.args[0]
        ratios = [rest.terms[m] / inner.terms[m] for m in inner.terms]
        if all(abs(r - ratios[0]) <= RELATIVE_ZERO * abs(ratios[0]) for r in ratios):
            return Poly.constant(1.0), c * ratios[0], Mono({**dict(bottom.powers), atom: e - 1}, bottom.exp)
    return rest, c, bottom


def _cancel(top: Mono, bottom: Mono) -> tuple[Mono, Mono]:
    """Common atoms of a numerator and a denominator mono removed from both."""
    up, down = dict(top.powers), dict(bottom.powers)
    for atom in set(up) & set(down):
        k = min(up[atom], down[atom])
        up[atom] -= k
        down[atom] -= k
    return Mono(up, top.exp), Mono(down, bottom.exp)


def _expand_groups(p: Poly) -> Poly | None:
    """p with every group raised to a whole positive power multiplied out (so a numerator can cancel), or None."""
    converter = Converter("expand")
    total = Poly()
    changed = False
    try:
        for m, c in p.terms.items():
            term = Poly.of_mono(Mono(), c)
            kept = {}
            for atom, e in m.powers:
                if atom.kind == "group" and e > 0 and float(e).is_integer():
                    for _ in range(int(e)):
                        term = converter.multiply(term, atom.args[0])
                    changed = True
                else:
                    kept[atom] = e
            total = total.plus(converter.multiply(term, Poly.of_mono(Mono(kept, m.exp))))
            if len(total.terms) > MAX_TERMS:
                return None
    except TooLarge:
        return None
    return total if changed else None


# --- public ----------------------------------------------------------------------------------------------------------
def closed_form_tree(expr, writer: TreeWriter | None = None, policies=POLICIES) -> tuple:
    """The shortest display tree of ``expr`` over the canonical policies (the builders' own form if none fits).
    One ``writer`` shared by related formulas writes each group they share once."""
    if text_length_estimate(expr) > MAX_INPUT_TEXT:
        return _as_built(expr)
    writer = writer or TreeWriter()
    trees = []
    for policy in policies:
        try:
            trees.append(writer.tree(to_poly(expr, policy)))
        except (TooLarge, RecursionError):
            continue
    return _shortest(trees) if trees else _as_built(expr)


def _as_built(expr) -> tuple:
    """The builders' own text of a derivative too large to simplify; past the printing limit that text is a
    description (``<expression of … nodes …>``), kept as an "unwritten" node."""
    text = str(expr)
    return ("unwritten", text) if text.startswith("<") else D.name(text)


def closed_form(expr) -> Formula:
    """The simplified formula of one expression."""
    tree = closed_form_tree(expr)
    text, html = D.to_text(tree), D.to_html(tree)
    return Formula(text, html, text, html, tree)


def derivative_formulas(f, variables=None) -> DerivativeFormulas:
    """Closed forms of every partial derivative and every Hessian entry of ``f`` (in ``variables`` order), with
    subexpressions they share named once where that shortens them."""
    names = tuple(f.variables if variables is None else variables)
    writer = TreeWriter()
    n = len(names)
    # a large function with many variables tries only the cheapest shape, so the work stays bounded
    policies = POLICIES if (n + n * (n + 1) // 2) * f.node_count() <= LARGE_WORK else ("keep",)
    gradient = [closed_form_tree(g, writer, policies) for g in f.grad(names)]
    hessian = f.hessian(names)
    upper = {(i, j): closed_form_tree(hessian[i][j], writer, policies) for i in range(n) for j in range(i, n)}
    trees = gradient + [upper[k] for k in sorted(upper)]
    named, shared = D.name_shared(trees, [c for c in NAME_CHOICES if c not in names], MAX_NAMES)
    bindings = tuple(Binding(label, D.to_text(sub), D.to_html(sub)) for label, sub in shared)
    formulas = [Formula(D.to_text(t), D.to_html(t), D.to_text(b), D.to_html(b), b) for t, b in zip(trees, named)]
    grad_formulas = tuple(formulas[:n])
    by_key = dict(zip(sorted(upper), formulas[n:]))
    matrix = tuple(tuple(by_key[(min(i, j), max(i, j))] for j in range(n)) for i in range(n))
    return DerivativeFormulas(names, grad_formulas, matrix, bindings)
