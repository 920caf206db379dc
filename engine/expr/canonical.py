"""A canonical sum-of-products form of expressions, the algebra behind the displayed closed-form formulas.

A :class:`Poly` is a sum of terms ``coefficient * monomial``; a :class:`Mono` is a product of :class:`Atom` powers
(any real exponent, negative for a denominator) times at most one ``exp(…)`` whose argument is itself a Poly (so
``exp(a)*exp(b)`` is ``exp(a + b)``). An atom is a variable, a function of a Poly (``sin(x + y)``), a power with a
varying exponent, or a *group*: a sum kept whole as one factor, ``(x^2 + y^2)^-2``. Equal things have equal ``key``
strings, so like terms and like powers meet in dictionaries: adding combines like terms, multiplying adds exponents,
and ``x/x`` cancels.

Whether a product of sums is multiplied out is a :data:`Policy` (``expand`` everything, keep sums that are
``linear`` in the variables whole, or ``keep`` every sum that meets another whole): each gives a different shape
of the same function, and the display code keeps the shortest. A term budget stops an expansion that would explode
(the expansion is then abandoned with :class:`TooLarge`).

The rewrites are identities wherever the original is defined; like a computer algebra system they may extend the
domain (``x/x`` is 1, ``sqrt(x)^2`` is x).
"""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from engine.expr.node import topological_order

POLICIES = ("expand", "linear", "keep")
MAX_TERMS = 80           # a multiplied-out sum larger than this stays a product of groups
WORK_BUDGET = 20_000     # monomial products per conversion before it is abandoned
RELATIVE_ZERO = 1e-12    # c1 + c2 smaller than this times max(|c1|, |c2|) is rounding: the terms cancel


class TooLarge(Exception):
    """The conversion needed more work than its budget."""


class Atom:
    __slots__ = ("kind", "name", "args", "key", "_hash")

    def __init__(self, kind: str, name: str = "", args: tuple = ()):
        self.kind = kind      # "var", "fn", "group", "pow"
        self.name = name      # variable or function name
        self.args = args      # Polys: the function's argument, the group's sum, or (base, exponent)
        if kind == "var":
            self.key = name
        elif kind == "fn":
            self.key = f"{name}({args[0].key})"
        elif kind == "group":
            self.key = f"({args[0].key})"
        else:
            self.key = f"({args[0].key})^({args[1].key})"
        self._hash = hash(self.key)

    def __eq__(self, other):
        return isinstance(other, Atom) and self.key == other.key

    def __hash__(self):
        return self._hash


class Mono:
    __slots__ = ("powers", "exp", "key", "_hash")

    def __init__(self, powers: dict | tuple = (), exp: "Poly | None" = None):
        items = powers.items() if isinstance(powers, dict) else powers
        self.powers = tuple(sorted(((a, e) for a, e in items if e != 0), key=lambda p: p[0].key))
        self.exp = exp if exp is not None and exp.terms else None
        self.key = "*".join(f"{a.key}^{e!r}" for a, e in self.powers) + (f"*e^({self.exp.key})" if self.exp else "")
        self._hash = hash(self.key)

    def __eq__(self, other):
        return isinstance(other, Mono) and self.key == other.key

    def __hash__(self):
        return self._hash

    def degree(self) -> float:
        return sum(e for a, e in self.powers if a.kind == "var")

    def times(self, other: "Mono") -> "Mono":
        powers = dict(self.powers)
        for atom, e in other.powers:
            powers[atom] = powers.get(atom, 0.0) + e
        exp = self.exp if other.exp is None else (other.exp if self.exp is None else self.exp.plus(other.exp))
        return Mono(powers, exp)

    def power(self, k: float) -> "Mono":
        return Mono({a: e * k for a, e in self.powers}, None if self.exp is None else self.exp.scaled(k))


ONE_MONO = Mono()


class Poly:
    __slots__ = ("terms", "_key")

    def __init__(self, terms: dict | None = None):
        self.terms = {m: c for m, c in (terms or {}).items() if c != 0}
        self._key = None

    @property
    def key(self) -> str:
        if self._key is None:
            self._key = "+".join(sorted(f"{c!r}*{m.key}" for m, c in self.terms.items()))
        return self._key

    @staticmethod
    def constant(c: float) -> "Poly":
        return Poly({ONE_MONO: float(c)})

    @staticmethod
    def of_mono(m: Mono, c: float = 1.0) -> "Poly":
        return Poly({m: c})

    def constant_value(self) -> float | None:
        if not self.terms:
            return 0.0
        if len(self.terms) == 1 and ONE_MONO in self.terms:
            return self.terms[ONE_MONO]
        return None

    def single(self) -> tuple[Mono, float] | None:
        return next(iter(self.terms.items())) if len(self.terms) == 1 else None

    def plus(self, other: "Poly", sign: float = 1.0) -> "Poly":
        terms = dict(self.terms)
        for m, c in other.terms.items():
            old = terms.get(m, 0.0)
            new = old + sign * c
            terms[m] = 0.0 if abs(new) <= RELATIVE_ZERO * max(abs(old), abs(c)) else new
        return Poly(terms)

    def scaled(self, k: float) -> "Poly":
        return Poly({m: c * k for m, c in self.terms.items()})

    def is_linear(self) -> bool:
        """A sum of at least two terms, each a constant or a number times one variable."""
        return len(self.terms) > 1 and all(
            m.exp is None and (not m.powers or (len(m.powers) == 1 and m.powers[0][0].kind == "var"
                                                and m.powers[0][1] == 1)) for m in self.terms)


def near_integer(c: float) -> bool:
    return math.isfinite(c) and abs(c - round(c)) <= RELATIVE_ZERO * max(1.0, abs(c))


def content(p: Poly) -> float:
    """A number that divides every coefficient evenly: their integer gcd, else the smallest magnitude when every
    coefficient is a whole multiple of it; negative when every coefficient is negative."""
    coefficients = list(p.terms.values())
    if not coefficients:
        return 1.0
    sign = -1.0 if all(c < 0 for c in coefficients) else 1.0
    if all(near_integer(c) for c in coefficients) and all(abs(c) < 2 ** 53 for c in coefficients):
        g = 0
        for c in coefficients:
            g = math.gcd(g, int(round(abs(c))))
        return sign * max(g, 1)
    smallest = min(abs(c) for c in coefficients)
    if all(near_integer(c / smallest) for c in coefficients):
        return sign * smallest
    return sign


class Converter:
    """Expression → Poly under one policy, each node converted once."""

    def __init__(self, policy: str):
        if policy not in POLICIES:
            raise ValueError(f"unknown policy {policy!r}")
        self.policy = policy
        self.work = 0
        self.linear_forms = LinearForms()

    def convert(self, root) -> Poly:
        done: dict[int, Poly] = {}
        for node in topological_order([root]):
            done[id(node)] = self._node(node, [done[id(a)] for a in node.args])
        return done[id(root)]

    def _node(self, node, args: list[Poly]) -> Poly:
        op = node.op
        if op == "const":
            return Poly.constant(node.value)
        if op == "var":
            return Poly.of_mono(Mono({Atom("var", node.name): 1.0}))
        if op == "add":
            return args[0].plus(args[1])
        if op == "sub":
            return args[0].plus(args[1], -1.0)
        if op == "neg":
            return args[0].scaled(-1.0)
        if op == "mul":
            return self.multiply(args[0], args[1])
        if op == "div":
            return self.multiply(args[0], self.power(args[1], -1.0))
        if op == "pow":
            k = args[1].constant_value()
            if k is not None:
                return self.power(args[0], k)
            if args[0].constant_value() == math.e:
                return self.exp(args[1])
            return self._atom(Atom("pow", args=(args[0], args[1])))
        if op == "sqrt":
            return self.power(args[0], 0.5)
        if op == "exp":
            return self.exp(args[0])
        if op == "log":
            single = args[0].single()
            if single is not None and single[1] == 1.0 and not single[0].powers and single[0].exp is not None:
                return single[0].exp   # log(exp(u)) = u for real u
        return self._atom(Atom("fn", op, (args[0],)))

    @staticmethod
    def _atom(atom: Atom) -> Poly:
        return Poly.of_mono(Mono({atom: 1.0}))

    @staticmethod
    def exp(arg: Poly) -> Poly:
        return Poly.of_mono(Mono((), arg))

    def multiply(self, a: Poly, b: Poly) -> Poly:
        if len(a.terms) > 1 and len(b.terms) > 1 and self.policy == "linear":
            a, b = (self.grouped(a) if a.is_linear() else a), (self.grouped(b) if b.is_linear() else b)
        if len(a.terms) > 1 and len(b.terms) > 1 and (
                self.policy == "keep" or len(a.terms) * len(b.terms) > MAX_TERMS):
            a, b = self.grouped(a), self.grouped(b)
        self.work += len(a.terms) * len(b.terms)
        if self.work > WORK_BUDGET:
            raise TooLarge
        terms: dict[Mono, float] = {}
        for ma, ca in a.terms.items():
            for mb, cb in b.terms.items():
                m = ma.times(mb)
                terms[m] = terms.get(m, 0.0) + ca * cb
        return Poly(terms)

    def grouped(self, p: Poly, k: float = 1.0) -> Poly:
        """p^k with p kept whole as one factor (its content taken out where that is exact). Under the linear
        policy a linear sum that is a combination of sums already kept whole is written as that combination:
        the chain rule's (w+x+y+z) + (w+x-y-z) stays in terms of the function's own sums, so they can cancel."""
        if self.policy == "linear" and p.is_linear():
            combination = self.linear_forms.express(p)
            if combination is not None:
                return self.power(combination, k)
        c = self._outside(p, k)
        inner = p.scaled(1.0 / c) if c != 1.0 else p
        single = inner.single()
        if single is not None and single[1] == 1.0 and len(single[0].powers) == 1 and single[0].exp is None:
            atom, e = single[0].powers[0]
            if e == 1 or float(k).is_integer():   # (x^2)^0.5 is |x|, not x: it stays a group
                return Poly.of_mono(Mono({atom: e * k}), c ** k)
        atom = Atom("group", args=(inner,))
        if self.policy == "linear" and inner.is_linear():
            self.linear_forms.add(atom)
        return Poly.of_mono(Mono({atom: k}), c ** k)

    @staticmethod
    def _outside(p: Poly, k: float) -> float:
        """The number taken out of a group raised to k: its content, with the sign that makes the first term
        (in key order) positive, so x - y and y - x are one group. Under a fractional power only a positive
        number whose power is a plain number comes out ((4x)^0.5 is 2*sqrt(x); (2x)^0.5 stays whole)."""
        c = content(p)
        first = min(p.terms.items(), key=lambda t: t[0].key)[1] if p.terms else 1.0
        if float(k).is_integer():
            return -abs(c) if first < 0 else abs(c)
        if c < 0 or not (near_integer(c ** k) or rational(c ** k) is not None):
            return 1.0
        return c

    def power(self, p: Poly, k: float) -> Poly:
        if k == 0:
            return Poly.constant(1.0)
        if k == 1:
            return p
        single = p.single()
        if single is not None:
            m, c = single
            if float(k).is_integer() or (self._outside(p, k) == c and all(e == 1 for _, e in m.powers)
                                         and len(m.powers) <= 1):
                return Poly.of_mono(m.power(k), c ** k)
            return self.grouped(p, k)
        if float(k).is_integer() and 2 <= k <= 4 and self.policy != "keep" and not (
                self.policy == "linear" and p.is_linear()) and len(p.terms) ** k <= MAX_TERMS:
            result = p
            for _ in range(int(k) - 1):
                result = self.multiply(result, p)
            return result
        return self.grouped(p, k)


class LinearForms:
    """The linear sums kept whole so far, and a test whether a new one is a combination of at most two of them."""

    def __init__(self):
        self.atoms: list[Atom] = []

    @staticmethod
    def _coefficients(p: Poly) -> dict[str, float]:
        return {(m.powers[0][0].name if m.powers else ""): c for m, c in p.terms.items()}

    def add(self, atom: Atom) -> None:
        if atom not in self.atoms:
            self.atoms.append(atom)

    def express(self, p: Poly) -> Poly | None:
        target = self._coefficients(p)
        known = [self._coefficients(a.args[0]) for a in self.atoms]
        names = sorted(set(target).union(*known)) if known else []
        if not known or len(known) > 12:
            return None
        a = np.array([[k.get(n, 0.0) for k in known] for n in names])
        b = np.array([target.get(n, 0.0) for n in names])
        x, *_ = np.linalg.lstsq(a, b, rcond=None)
        x = np.where(np.abs(x) <= RELATIVE_ZERO * np.max(np.abs(x)), 0.0, x)
        if np.count_nonzero(x) > 2 or np.max(np.abs(a @ x - b)) > 1e-12 * max(1.0, np.max(np.abs(b))):
            return None
        return Poly({Mono({atom: 1.0}): snap(float(c)) for atom, c in zip(self.atoms, x) if c != 0})


def to_poly(expr, policy: str) -> Poly:
    """The canonical form of ``expr`` under ``policy``; :class:`TooLarge` when it would take too much work."""
    return Converter(policy).convert(expr)


def snap(c: float) -> float:
    """c rounded to the whole number or small fraction it is within rounding of (3.0000000000000013 is 3)."""
    if near_integer(c):
        return float(round(c))
    f = rational(c)
    return float(f) if f is not None else c


def rational(c: float, max_denominator: int = 12) -> Fraction | None:
    """c as p/q with a small q when it is that fraction to within rounding (1.3333333333333333 is 4/3)."""
    if not math.isfinite(c) or near_integer(c):
        return None
    f = Fraction(c).limit_denominator(max_denominator)
    if f.denominator > 1 and abs(float(f) - c) <= RELATIVE_ZERO * abs(c):
        return f
    return None
