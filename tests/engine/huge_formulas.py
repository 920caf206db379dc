"""A long formula of the kind a user pastes: a sum of damped waves, just under the parser's 2,000-character cap, and
its values computed term by term with numpy (an oracle that does not go through the parser)."""
import numpy as np


def huge_terms(limit: int = 2000, shift: float = 0.0) -> list[tuple[float, float, float, float, float]]:
    """(a, b, c, d, e) of the terms a·sin(b·x + c·y)·exp(−0.1(x − d)² − 0.15(y + e)²), as many as fit in ``limit``
    − 40 characters (``shift`` moves every d, so that two such formulas differ)."""
    terms, k = [], 0
    while len(_text(terms + [_term(k, shift)])) <= limit - 40:
        terms.append(_term(k, shift))
        k += 1
    return terms


def huge_formula(limit: int = 2000, shift: float = 0.0) -> str:
    return _text(huge_terms(limit, shift))


def huge_values(x, y, limit: int = 2000, shift: float = 0.0):
    return sum(a * np.sin(b * x + c * y) * np.exp(-0.1 * (x - d) ** 2 - 0.15 * (y + e) ** 2)
               for a, b, c, d, e in huge_terms(limit, shift))


def _term(k: int, shift: float) -> tuple[float, ...]:
    return (round(0.3 + 0.07 * (k % 5), 2), round(1.1 + 0.1 * (k % 7), 1), round(0.4 - 0.05 * (k % 9), 2),
            round(0.1 * (k % 6) + shift, 1), round(0.1 * (k % 4), 1))


def _text(terms) -> str:
    return " + ".join(f"{a:.2f}*sin({b:.1f}*x + {c:.2f}*y)*exp(-0.1*(x - {d:.1f})^2 - 0.15*(y + {e:.1f})^2)"
                      for a, b, c, d, e in terms)
