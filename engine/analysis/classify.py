"""The one second-derivative classification: what the Hessian's eigenvalues say about a point.

Every part of the engine that asks "is this a minimum, a maximum, a saddle, or can the test not tell?" asks here:
``analyze``, the critical-point search (and its tracing of sets of critical points), Newton's method (is the
quadratic model's Hessian positive definite?) and the verdict on where an optimizer stopped. One relative tolerance
decides when an eigenvalue counts as zero::

    |λ| <= ZERO_CURVATURE · max(scale, max |λ|)

relative to the Hessian's own size, with ``scale`` a floor: a typical second derivative of the function where the
caller knows one (over the critical-point box, over the view), so that a Hessian made only of rounding noise
(x⁴ near 0: eigenvalues ~1e-20) decides nothing.

Separately, eigenvalues that are zero *up to rounding* (|λ| within a few ulps of the largest, as in the chapter's
chain example, where the exact eigenvalues are 0, 0, 0, 57344 and float64 gives −4.1e-13 and 4.0e-12) are reported
as 0: :func:`eigenvalues` cleans them, so what is printed is what the Hessian is, not eigvalsh's noise.
"""
from __future__ import annotations

import numpy as np

#: An eigenvalue at most this fraction of max(scale, max|λ|) counts as zero (a flat direction).
ZERO_CURVATURE = 1e-6
#: An eigenvalue at most this fraction of max|λ| is rounding noise of the eigen-decomposition: shown as 0.
ROUNDING = 1e-12

KINDS = ("minimum", "maximum", "saddle", "degenerate", "undefined")


def symmetric(h) -> np.ndarray:
    """(H + Hᵀ)/2, halved first so that entries near the float64 limit do not overflow."""
    h = np.asarray(h, dtype=np.float64)
    return 0.5 * h + 0.5 * np.swapaxes(h, -1, -2)


def clean(eig) -> np.ndarray:
    """Eigenvalues with those that are zero up to rounding set to 0 (and no −0.0)."""
    e = np.array(eig, dtype=np.float64, copy=True).reshape(-1)
    if e.size and np.all(np.isfinite(e)):
        e[np.abs(e) <= ROUNDING * float(np.max(np.abs(e)))] = 0.0
    return e + 0.0


def eigenvalues(hessian) -> np.ndarray | None:
    """The Hessian's eigenvalues, ascending and cleaned (:func:`clean`); None where the Hessian is not finite."""
    h = np.atleast_2d(np.asarray(hessian, dtype=np.float64))
    if not np.all(np.isfinite(h)):
        return None
    if h.size == 0:
        return np.zeros(0)
    return clean(np.linalg.eigvalsh(symmetric(h)))


def eigenvalues_at(objective, point) -> np.ndarray | None:
    """:func:`eigenvalues` of an objective's Hessian at ``point``; None where it has no Hessian, or none that is
    finite there (``objective``: anything with a ``hessian`` function of a point, or ``hessian = None``)."""
    if objective.hessian is None:
        return None
    p = np.asarray(point, dtype=np.float64)
    try:
        with np.errstate(all="ignore"):
            h = np.asarray(objective.hessian(p), dtype=np.float64).reshape(len(p), len(p))
    except (ArithmeticError, ValueError):
        return None
    return eigenvalues(h)


def eigen_decomposition(hessian) -> tuple[np.ndarray, np.ndarray]:
    """(eigenvalues ascending and cleaned, eigenvectors as columns); NaN-filled where the Hessian is not finite."""
    h = np.atleast_2d(np.asarray(hessian, dtype=np.float64))
    n = h.shape[0]
    if not np.all(np.isfinite(h)):
        return np.full(n, np.nan), np.full((n, n), np.nan)
    lam, vec = np.linalg.eigh(symmetric(h))
    return clean(lam), vec


def zero_threshold(eig, scale: float = 0.0) -> float:
    """The size at or below which an eigenvalue counts as zero."""
    e = np.asarray(eig, dtype=np.float64).reshape(-1)
    largest = float(np.max(np.abs(e))) if e.size else 0.0
    return ZERO_CURVATURE * max(float(scale), largest)


def is_zero(eig, scale: float = 0.0) -> np.ndarray:
    """Which eigenvalues count as zero (a boolean per eigenvalue)."""
    e = np.asarray(eig, dtype=np.float64).reshape(-1)
    return np.abs(e) <= zero_threshold(e, scale)


def classify_eigenvalues(eig, scale: float = 0.0) -> str:
    """'minimum' | 'maximum' | 'saddle' | 'degenerate' | 'undefined' (no finite eigenvalues to judge).

    Positive and negative eigenvalues together make a saddle even if another is zero; otherwise any zero eigenvalue
    leaves the test undecided ('degenerate'), as does an all-zero Hessian.
    """
    if eig is None:
        return "undefined"
    e = np.asarray(eig, dtype=np.float64).reshape(-1)
    if not np.all(np.isfinite(e)):
        return "undefined"
    if e.size == 0:
        return "degenerate"
    threshold = zero_threshold(e, scale)
    positive, negative = bool(np.any(e > threshold)), bool(np.any(e < -threshold))
    if positive and negative:
        return "saddle"
    if np.any(np.abs(e) <= threshold):
        return "degenerate"
    return "minimum" if positive else "maximum"


def classify(hessian, scale: float = 0.0) -> str:
    """The second-derivative test on a Hessian matrix (see :func:`classify_eigenvalues`)."""
    return classify_eigenvalues(eigenvalues(hessian), scale)


def definiteness(eig, scale: float = 0.0) -> str:
    """'positive definite' | 'negative definite' | 'indefinite' | 'positive semidefinite' |
    'negative semidefinite' | 'zero' — the same zero test as :func:`classify_eigenvalues` ('undefined' when an
    eigenvalue is not finite)."""
    e = np.asarray(eig, dtype=np.float64).reshape(-1)
    if not np.all(np.isfinite(e)):
        return "undefined"
    threshold = zero_threshold(e, scale)
    positive, negative = bool(np.any(e > threshold)), bool(np.any(e < -threshold))
    flat = bool(np.any(np.abs(e) <= threshold))
    if positive and negative:
        return "indefinite"
    if not positive and not negative:
        return "zero"
    if positive:
        return "positive semidefinite" if flat else "positive definite"
    return "negative semidefinite" if flat else "negative definite"
