"""Checking a student's answer to an exercise: a gradient formula, a formula, a classification or a choice.

A formula is compared with the engine's own derivative at many random points (never symbolically, never by
``eval``: answers go through the parser like any typed function). A wrong answer gets a verdict that says *how* it is
wrong — the sign, a constant factor, the order of the components, which component — and a hint; an exercise may also
list common mistakes, each with its own hint, recognised the same way (equal at every sample point).

Each kind is one small class with ``validate(spec)`` (for tour files: ValueError naming the field) and
``check(spec, answer) -> Verdict``. ``EXERCISE_KINDS`` maps the kind's name to it.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from engine.expr.node import Expression
from engine.expr.parser import ParseError, parse
from engine.expr.build import sum_of

SAMPLES = 64
SEED = 20240
RTOL, ATOL = 1e-7, 1e-9


@dataclass(frozen=True)
class Verdict:
    correct: bool
    verdict: str          # 'equal' | 'sign' | 'factor' | 'order' | 'component' | 'mistake' | 'different' |
    #                       'shape' | 'unreadable' | 'unknown_variable' | 'choice' | 'wrong_choice'
    message: str          # one line: what is right or how it differs
    hint: str = ""        # what to try next (never empty for a wrong answer)


# --- sampling ---------------------------------------------------------------------------------------------------------
def sample_points(variables: Sequence[str], domain: dict | None = None, count: int = SAMPLES,
                  min_norm: float = 0.0) -> dict[str, np.ndarray]:
    """``count`` reproducible random points, per variable uniform in its domain (default [-2, 2]); with ``min_norm``
    points closer than that to the origin are skipped (e.g. where ‖v‖ has no gradient)."""
    rng = np.random.default_rng(SEED)
    domain = domain or {}
    columns = []
    for name in variables:
        lo, hi = domain.get(name, (-2.0, 2.0))
        columns.append(rng.uniform(lo, hi, 4 * count))
    points = np.array(columns).reshape(len(variables), -1)
    if min_norm > 0 and len(variables):
        points = points[:, np.linalg.norm(points, axis=0) >= min_norm]
    return {name: points[i, :count] for i, name in enumerate(variables)}


def _values(expressions: Sequence[Expression], env: dict[str, np.ndarray]) -> np.ndarray:
    n = len(next(iter(env.values()))) if env else 1
    with np.errstate(all="ignore"):
        rows = [np.broadcast_to(np.asarray(e.evaluate(env), dtype=np.float64), (n,)) for e in expressions]
    return np.array(rows)   # (components, samples)


def _close(a: np.ndarray, b: np.ndarray) -> bool:
    ok = np.isfinite(b)
    return bool(np.all(np.isfinite(a[ok])) and np.allclose(a[ok], b[ok], rtol=RTOL, atol=ATOL * (1 + np.abs(b[ok]).max(
        initial=0.0))))


def constant_factor(candidate: np.ndarray, expected: np.ndarray) -> float | None:
    """c when candidate = c · expected at every sample (c ≠ 0, 1), else None."""
    ok = np.isfinite(expected) & (np.abs(expected) > 1e-6 * (1 + np.abs(expected).max(initial=0.0)))
    if not np.any(ok) or not np.all(np.isfinite(candidate[ok])):
        return None
    ratios = candidate[ok] / expected[ok]
    c = float(np.median(ratios))
    if c == 0 or not np.allclose(candidate, c * expected, rtol=1e-6, atol=1e-9, equal_nan=True):
        return None
    return c


def split_components(text: str) -> list[str]:
    """"[a, b]" or "(a, b)" or "a, b" → ["a", "b"]; commas inside parentheses stay (e.g. none in this syntax)."""
    text = text.strip()
    if len(text) >= 2 and text[0] + text[-1] in ("[]", "()") and _balanced(text[1:-1]):
        text = text[1:-1]
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += ch in "([" and 1 or 0
        depth -= ch in ")]" and 1 or 0
        if ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts]


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += (ch in "([") - (ch in ")]")
        if depth < 0:
            return False
    return depth == 0


def parse_components(text: str, variables: Sequence[str]) -> list[Expression] | Verdict:
    """The answer's components, or a Verdict saying why they cannot be read."""
    if not text.strip():
        return Verdict(False, "unreadable", "No answer yet.", "Type the components separated by commas.")
    parts = split_components(text)
    expressions = []
    for i, part in enumerate(parts):
        try:
            expressions.append(parse(part))
        except ParseError as err:
            return Verdict(False, "unreadable", f"Component {i + 1} cannot be read: {err}",
                           "Use the same syntax as the formula field, e.g. exp(x)/(exp(x) + exp(y)).")
    unknown = sorted({v for e in expressions for v in e.variables} - set(variables))
    if unknown:
        return Verdict(False, "unknown_variable", f"The answer uses {', '.join(unknown)}, which f does not have.",
                       f"Write it in the variables {', '.join(variables)}.")
    return expressions


# --- a gradient, component by component -----------------------------------------------------------------------------
class GradientExercise:
    """spec: function, optional domain {name: [lo, hi]}, min_norm, mistakes [{answer, hint}], hint."""

    @staticmethod
    def validate(spec: dict) -> None:
        _only(spec, {"kind", "prompt", "function", "domain", "min_norm", "mistakes", "hint"})
        f = _formula(spec, "function")
        for i, m in enumerate(spec.get("mistakes", [])):
            if not isinstance(m, dict) or not isinstance(m.get("answer"), str) or not isinstance(m.get("hint"), str):
                raise ValueError(f"mistakes[{i}]: must be an object with answer and hint text")
            parsed = parse_components(m["answer"], f.variables)
            if isinstance(parsed, Verdict):
                raise ValueError(f"mistakes[{i}].answer: {parsed.message}")
        _hint(spec)

    @staticmethod
    def check(spec: dict, answer: str) -> Verdict:
        f = parse(spec["function"])
        names = f.variables
        expected_exprs = f.grad()
        return compare_vectors(answer, names, expected_exprs, spec, [f"∂f/∂{n}" for n in names])


def compare_vectors(answer: str, names, expected_exprs, spec: dict, labels: Sequence[str],
                    noun: str = "the gradient") -> Verdict:
    candidate = parse_components(answer, names)
    if isinstance(candidate, Verdict):
        return candidate
    n = len(expected_exprs)
    if len(candidate) != n:
        return Verdict(False, "shape", f"The answer has {len(candidate)} component(s); the gradient has {n}.",
                       f"Give one component per variable ({', '.join(names)}), separated by commas.")
    env = sample_points(names, _domain(spec), min_norm=float(spec.get("min_norm", 0.0)))
    expected, given = _values(expected_exprs, env), _values(candidate, env)
    if _close(given, expected):
        return Verdict(True, "equal", f"Correct: your answer equals {noun} (the engine's) at all {given.shape[1]} "
                                      "sample points.")
    for mistake in spec.get("mistakes", []):
        wrong = _values(parse_components(mistake["answer"], names), env)
        if wrong.shape == given.shape and _close(given, wrong):
            return Verdict(False, "mistake", "Not quite: this is a common slip.", mistake["hint"])
    return _how_it_differs(given, expected, env, names, labels, _hint(spec), noun)


def _how_it_differs(given, expected, env, names, labels, general: str, noun: str) -> Verdict:
    if _close(given, -expected):
        return Verdict(False, "sign", f"Off by the sign: your answer is minus {noun}.",
                       "Check the derivative of each minus sign (an inner −u differentiates to −1 times u's "
                       "derivative).")
    c = constant_factor(given, expected)
    if c is not None:
        return Verdict(False, "factor", f"Off by a constant factor: your answer is {c:.6g} times {noun}.",
                       "Look for a constant from the chain rule or the power rule counted twice or not at all.")
    n = len(expected)
    if n > 1:
        for order in _rotations(n):
            if _close(given[list(order)], expected) or _close(given, expected[list(order)]):
                return Verdict(False, "order", "The right components in the wrong order.",
                               f"The first component is {labels[0]}, the derivative in {names[0]}.")
    right = [i for i in range(n) if _close(given[i:i + 1], expected[i:i + 1])]
    wrong = [i for i in range(n) if i not in right]
    k = _first_difference(given[wrong[0]], expected[wrong[0]])
    at = ", ".join(f"{name} = {env[name][k]:.3g}" for name in names)
    where = (f"At {at} your {labels[wrong[0]]} is {given[wrong[0], k]:.6g}; the right value is "
             f"{expected[wrong[0], k]:.6g}.")
    if right:
        return Verdict(False, "component", f"{', '.join(labels[i] for i in right)} right; "
                                           f"{', '.join(labels[i] for i in wrong)} differs. {where}", general)
    return Verdict(False, "different", f"Not {noun}. {where}", general)


def _rotations(n: int):
    """Every reordering of n components but the identity (n is small: one per variable)."""
    return [] if n > 5 else list(itertools.permutations(range(n)))[1:]


def _first_difference(a: np.ndarray, b: np.ndarray) -> int:
    bad = ~np.isclose(a, b, rtol=RTOL, atol=ATOL) & np.isfinite(b)
    return int(np.argmax(bad)) if np.any(bad) else 0


# --- one formula (e.g. the sum of the gradient's components) ------------------------------------------------------
class FormulaExercise:
    """spec: function, of ("gradient_sum" | "function"), optional domain, mistakes, hint."""
    TARGETS = ("gradient_sum", "function")

    @staticmethod
    def validate(spec: dict) -> None:
        _only(spec, {"kind", "prompt", "function", "of", "domain", "mistakes", "hint"})
        _formula(spec, "function")
        if spec.get("of") not in FormulaExercise.TARGETS:
            raise ValueError(f"of: must be one of {', '.join(FormulaExercise.TARGETS)}")
        _hint(spec)

    @staticmethod
    def target(spec: dict) -> Expression:
        f = parse(spec["function"])
        if spec["of"] == "function":
            return f
        return sum_of(f.grad())

    @staticmethod
    def check(spec: dict, answer: str) -> Verdict:
        f = parse(spec["function"])
        if len(split_components(answer)) != 1:
            return Verdict(False, "shape", "Give a single formula or number.", "The sum is one number per point.")
        noun = "the sum of the gradient's components" if spec["of"] == "gradient_sum" else "f"
        return compare_vectors(answer, f.variables, [FormulaExercise.target(spec)], spec, ["answer"], noun)


# --- a choice (including "what kind of critical point") ------------------------------------------------------------
class ChoiceExercise:
    """spec: options [{key, text, correct, hint}] — exactly one correct; the hint explains that option."""

    @staticmethod
    def validate(spec: dict) -> None:
        _only(spec, {"kind", "prompt", "options"})
        options = spec.get("options")
        if not isinstance(options, list) or len(options) < 2:
            raise ValueError("options: must list at least two options")
        for i, o in enumerate(options):
            if not isinstance(o, dict) or not all(isinstance(o.get(k), str) and o[k] for k in ("key", "text", "hint")):
                raise ValueError(f"options[{i}]: must be an object with key, text and hint")
            if not isinstance(o.get("correct", False), bool):
                raise ValueError(f"options[{i}].correct: must be true or false")
        if sum(bool(o.get("correct")) for o in options) != 1:
            raise ValueError("options: exactly one option must be correct")

    @staticmethod
    def check(spec: dict, answer: str) -> Verdict:
        for o in spec["options"]:
            if o["key"] == answer:
                if o.get("correct"):
                    return Verdict(True, "choice", "Correct.", o["hint"])
                return Verdict(False, "wrong_choice", "Not this one.", o["hint"])
        return Verdict(False, "unreadable", "Choose one of the options.", "Pick the statement you think holds.")


class ClassificationExercise:
    """The kind of a critical point, decided by the engine (critical_points' verdict), not by the file.

    spec: function, box {name: [lo, hi]}, point, hints {minimum, maximum, neither}."""
    CHOICES = ("minimum", "maximum", "neither")

    @staticmethod
    def validate(spec: dict) -> None:
        _only(spec, {"kind", "prompt", "function", "box", "point", "hints"})
        f = _formula(spec, "function")
        hints = spec.get("hints")
        if not isinstance(hints, dict) or set(hints) != set(ClassificationExercise.CHOICES):
            raise ValueError(f"hints: must give a hint for each of {', '.join(ClassificationExercise.CHOICES)}")
        point, box = spec.get("point"), spec.get("box")
        if not isinstance(point, list) or len(point) != len(f.variables):
            raise ValueError(f"point: must have one number per variable ({', '.join(f.variables)})")
        if not isinstance(box, dict) or set(box) != set(f.variables):
            raise ValueError("box: must give [low, high] for every variable")

    @staticmethod
    def truth(spec: dict) -> str:
        from engine.analysis.critical import critical_points
        f = parse(spec["function"])
        names = f.variables
        found = critical_points(f, [spec["box"][n] for n in names], names)
        target = np.asarray(spec["point"], dtype=float)
        nearest = min(found, key=lambda c: float(np.linalg.norm(c.point - target)), default=None)
        if nearest is None or np.linalg.norm(nearest.point - target) > 1e-6:
            raise ValueError(f"the engine finds no critical point at {tuple(spec['point'])}")
        return nearest.verdict

    @staticmethod
    def check(spec: dict, answer: str) -> Verdict:
        if answer not in ClassificationExercise.CHOICES:
            return Verdict(False, "unreadable", "Choose minimum, maximum or neither.", "")
        truth = ClassificationExercise.truth(spec)
        if answer == truth:
            return Verdict(True, "choice", f"Correct: the engine's verdict is {truth}.", spec["hints"][answer])
        return Verdict(False, "wrong_choice", f"Not a {answer}." if answer != "neither" else "It is an extremum.",
                       spec["hints"][answer])


# --- a matrix-calculus gradient, judged by the Matrix engine's own verdicts --------------------------------------
MATRIX_HINTS = {
    "sign": "Follow the minus signs through the chain rule: an inner difference such as X − UV differentiates "
            "with a minus sign (−Uᵀ with respect to V).",
    "transpose": "Match the shape of the variable you differentiate by (denominator layout): transpose your answer.",
    "factor": "A constant is off: check the power rule (‖r‖² gives 2r) and whether a factor was counted twice.",
    "shape": "The gradient has the shape of the variable it is taken with respect to; check each product's shapes.",
    "different": "Work one entry at a time with indices, then reassemble the entries as a matrix expression.",
}


class MatrixExercise:
    """spec: expression, shapes {name: [rows, cols]}, wrt, mistakes [{answer, hint}], optional hint. The verdict is
    engine.matrix's check_gradient (equal | sign | transpose | factor | shape | different)."""

    @staticmethod
    def validate(spec: dict) -> None:
        from engine.matrix.parser import parse_matrix
        _only(spec, {"kind", "prompt", "expression", "shapes", "wrt", "mistakes", "hint"})
        shapes = spec.get("shapes")
        if not isinstance(shapes, dict):
            raise ValueError("shapes: must be an object of name: [rows, cols]")
        try:
            expr = parse_matrix(spec.get("expression", ""), {k: tuple(v) for k, v in shapes.items()})
            for i, m in enumerate(spec.get("mistakes", [])):
                parse_matrix(m["answer"], expr.variables)
        except (ParseError, KeyError, TypeError) as err:
            raise ValueError(f"expression: {err}") from None
        if spec.get("wrt") not in expr.variables:
            raise ValueError(f"wrt: must be one of the expression's variables ({', '.join(expr.variables)})")
        _hint(spec)

    @staticmethod
    def check(spec: dict, answer: str) -> Verdict:
        from engine.matrix.check import check_gradient, instance
        from engine.matrix.node import evaluate_many
        from engine.matrix.parser import parse_matrix
        expr = parse_matrix(spec["expression"], {k: tuple(v) for k, v in spec["shapes"].items()})
        if not answer.strip():
            return Verdict(False, "unreadable", "No answer yet.", "Type a matrix expression, e.g. A'*x.")
        try:
            candidate = parse_matrix(answer, expr.variables)
            result = check_gradient(expr, spec["wrt"], candidate)
        except (ParseError, ValueError) as err:
            return Verdict(False, "unreadable", f"Your answer cannot be read: {err}",
                           "Use the Matrix syntax: * is the matrix product, ' transposes, norm2(v) is ‖v‖₂.")
        if result.verdict == "equal":
            return Verdict(True, "equal", result.words())
        for mistake in spec.get("mistakes", []):
            wrong = parse_matrix(mistake["answer"], expr.variables)
            if wrong.shape == candidate.shape and all(
                    np.allclose(*evaluate_many([candidate, wrong], instance(expr, k)), rtol=1e-7, atol=1e-9)
                    for k in range(3)):
                return Verdict(False, "mistake", result.words(), mistake["hint"])
        return Verdict(False, result.verdict, result.words(), MATRIX_HINTS.get(result.verdict, _hint(spec)))


# --- helpers --------------------------------------------------------------------------------------------------------
def _only(spec: dict, allowed: set) -> None:
    extra = sorted(set(spec) - allowed)
    if extra:
        raise ValueError(f"{extra[0]}: unknown field (allowed: {', '.join(sorted(allowed))})")


def _formula(spec: dict, key: str) -> Expression:
    if not isinstance(spec.get(key), str):
        raise ValueError(f"{key}: must be a formula")
    try:
        return parse(spec[key])
    except ParseError as err:
        raise ValueError(f"{key}: {err}") from None


def _hint(spec: dict) -> str:
    hint = spec.get("hint", "Compare your formula with the app's at the point shown, one component at a time.")
    if not isinstance(hint, str) or not hint:
        raise ValueError("hint: must be text")
    return hint


def _domain(spec: dict) -> dict:
    return {k: (float(v[0]), float(v[1])) for k, v in (spec.get("domain") or {}).items()}


EXERCISE_KINDS = {"gradient": GradientExercise, "formula": FormulaExercise, "choice": ChoiceExercise,
                  "classification": ClassificationExercise, "matrix": MatrixExercise}


def check_answer(spec: dict, answer: str) -> Verdict:
    """The verdict on ``answer`` for the exercise ``spec`` (already validated)."""
    return EXERCISE_KINDS[spec["kind"]].check(spec, answer)
