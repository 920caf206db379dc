"""A long formula of the kind a user pastes: a sum of damped waves, just under the parser's 2,000-character cap."""


def huge_formula(limit: int = 2000, shift: float = 0.0) -> str:
    """Terms a·sin(b·x + c·y)·exp(−0.1(x − d)² − 0.15(y + e)²) joined until the next would pass ``limit`` − 40
    characters (``shift`` moves every d, so that two such formulas differ)."""
    terms, k = [], 0
    while True:
        a, b, c = 0.3 + 0.07 * (k % 5), 1.1 + 0.1 * (k % 7), 0.4 - 0.05 * (k % 9)
        term = (f"{a:.2f}*sin({b:.1f}*x + {c:.2f}*y)*exp(-0.1*(x - {0.1 * (k % 6) + shift:.1f})^2 - "
                f"0.15*(y + {0.1 * (k % 4):.1f})^2)")
        if len(" + ".join(terms + [term])) > limit - 40:
            return " + ".join(terms)
        terms.append(term)
        k += 1
