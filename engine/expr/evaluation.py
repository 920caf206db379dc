"""Evaluating expressions on numpy arrays, fast: a cached evaluation plan per tuple of root expressions.

A plan is the expressions' shared DAG flattened once into a list of kernel calls over numbered slots, each
intermediate's last use known. Arrays are swept a chunk (CHUNK elements) at a time: every intermediate of a chunk
lives in a small scratch buffer, recycled after its last use and kept between calls, so the working set stays in the
processor's cache and no large temporary is ever allocated (fresh large arrays cost page faults, which is most of
what hand-written numpy spends). All results of one call share one new block, a row each.

Powers with a constant exponent run as squarings and products instead of the general ``pow``, which is two orders
of magnitude slower; ``x^0.5`` and ``x^-0.5`` run as square roots, which differ from ``pow`` only at -0 and -inf
(sign of zero, NaN for +inf).
"""
from __future__ import annotations

import math
import threading
from collections import OrderedDict
from typing import Mapping, Sequence

import numpy as np

from engine.expr.node import Expression, topological_order
from engine.expr.primitives import PRIMITIVES

PLAN_CACHE_SIZE = 256
MAX_UNROLLED_POWER = 64
CHUNK = 2 ** 15             # elements per sweep: 256 KB per buffer, measured best on 512² and 1024² grids
SMALL = 256                 # arrays up to this size are computed whole: buffers cost more than they save there
SCRATCH_BYTES = 16 * 2 ** 20  # spare chunk buffers kept per thread between calls

_PLANS: "OrderedDict[tuple, EvaluationPlan]" = OrderedDict()
_PLANS_LOCK = threading.Lock()
_SCRATCH = threading.local()


def _integer_power(n: int):
    """x**n for a constant integer 2 <= |n| <= MAX_UNROLLED_POWER by left-to-right binary exponentiation."""
    bits = bin(abs(n))[3:]

    def power(x, out=None):
        result = x
        for bit in bits:
            result = np.square(result, out=out)
            if bit == "1":
                result = np.multiply(result, x, out=out)
        return np.reciprocal(result, out=out) if n < 0 else result
    power.reads_after_writing = True
    return power


def _reciprocal_sqrt(x, out=None):
    result = np.sqrt(x, out=out)
    return np.reciprocal(result, out=out)


def _kernel(node: Expression, slot: Mapping[int, int]) -> tuple:
    """(callable, argument slots) computing ``node``; constant exponents get a specialised callable."""
    if node.op == "pow" and node.args[1].op == "const":
        exponent = node.args[1].value
        special = {0.5: np.sqrt, -0.5: _reciprocal_sqrt, -1.0: np.reciprocal}.get(exponent)
        if special is None and exponent.is_integer() and 2 <= abs(exponent) <= MAX_UNROLLED_POWER:
            special = np.square if exponent == 2 else _integer_power(int(exponent))
        if special is not None:
            return special, (slot[id(node.args[0])],)
    return PRIMITIVES[node.op].impl, tuple(slot[id(a)] for a in node.args)


class EvaluationPlan:
    """The kernels that compute ``roots`` in dependency order, with each intermediate's last use known."""

    def __init__(self, roots: Sequence[Expression]):
        order = topological_order(roots)
        slot = {id(node): i for i, node in enumerate(order)}
        self.template = [node.value if node.op == "const" else None for node in order]
        self.inputs = tuple((i, node.name) for i, node in enumerate(order) if node.op == "var")
        self.outputs = tuple(slot[id(r)] for r in roots)
        self.kinds = tuple(node.op for node in order)
        kernels = [(i, *_kernel(node, slot)) for i, node in enumerate(order) if node.op not in ("const", "var")]
        last_use: dict[int, int] = {}
        for i, _fn, arg_slots in kernels:
            for j in arg_slots:
                last_use[j] = i
        outputs = set(self.outputs)
        recyclable = {i for i, _fn, _a in kernels} - outputs
        # A step may write over an argument it is the last to read, unless the kernel reads x after writing out.
        self.steps = tuple((fn, arg_slots, i, tuple(j for j in set(arg_slots) if j in recyclable and last_use[j] == i),
                            i in outputs, getattr(fn, "reads_after_writing", False))
                           for i, fn, arg_slots in kernels)

    @property
    def variables(self) -> tuple[str, ...]:
        return tuple(sorted(name for _slot, name in self.inputs))

    def run(self, arrays: Mapping[str, np.ndarray], shape: tuple | None = None) -> list[np.ndarray]:
        """Evaluate on float64 arrays; results have ``shape`` (default: the broadcast shape of ``arrays``)."""
        values = list(self.template)
        for i, name in self.inputs:
            if name not in arrays:
                raise KeyError(f"no value given for variable {name!r}")
            values[i] = arrays[name]
        if shape is None:
            shape = np.broadcast_shapes(*(a.shape for a in arrays.values()))
        if shape and math.prod(shape) == 0:
            return [np.empty(shape) for _ in self.outputs]
        with np.errstate(all="ignore"):
            if shape and math.prod(shape) > SMALL:
                return self._run_in_chunks(values, shape)
            for fn, arg_slots, i, *_rest in self.steps:
                values[i] = fn(*[values[j] for j in arg_slots])
        return self._collect(values, shape)

    def _run_in_chunks(self, values: list, shape: tuple) -> list[np.ndarray]:
        """Sweep the flattened arrays a chunk at a time, so every intermediate stays in the processor's cache.

        All results share one new block (one row each, never overlapping): one large allocation is much cheaper
        than many, whose fresh pages the kernel would fault in one by one.
        """
        size = math.prod(shape)
        flat = {i: np.ravel(np.broadcast_to(values[i], shape)) for i, _name in self.inputs}
        block = np.empty((len(self.outputs), size))
        first_row: dict[int, int] = {}
        for k, i in enumerate(self.outputs):
            first_row.setdefault(i, k)
        results = {i: block[k] for i, k in first_row.items()}
        # rows not written by a kernel: constants, bare variables, and repeats of an expression already computed
        copies = [(k, i) for k, i in enumerate(self.outputs)
                  if self.kinds[i] in ("const", "var") or k != first_row[i]]
        chunk = min(size, CHUNK)
        spare = _take_scratch(chunk)
        for start in range(0, size, chunk):
            stop = min(size, start + chunk)
            for i, column in flat.items():
                values[i] = column[start:stop]
            self._sweep(values, results, start, stop, spare if stop - start == chunk else [])
            for k, i in copies:
                block[k, start:stop] = values[i]
        _keep_scratch(chunk, spare)
        return [row.reshape(shape) for row in block]

    def _sweep(self, values: list, results: dict, start: int, stop: int, spare: list) -> None:
        """One chunk: intermediates in recycled buffers, results written straight into their arrays."""
        take = values.__getitem__
        for fn, arg_slots, i, free, is_output, reads_after_writing in self.steps:
            args = tuple(map(take, arg_slots))
            if free and not reads_after_writing:
                spare.extend(map(take, free))
            buffer = results[i][start:stop] if is_output else (spare.pop() if spare else np.empty(stop - start))
            values[i] = fn(*args, out=buffer)
            if free and reads_after_writing:
                spare.extend(map(take, free))

    def _collect(self, values: list, shape: tuple) -> list[np.ndarray]:
        results, handed_out = [], set()
        for i in self.outputs:
            value = np.asarray(values[i], dtype=np.float64)
            fresh = self.kinds[i] not in ("const", "var") and i not in handed_out and value.shape == shape
            results.append(value if fresh else np.array(np.broadcast_to(value, shape)))
            handed_out.add(i)
        return results


def _take_scratch(length: int) -> list[np.ndarray]:
    """This thread's spare buffers of ``length`` (removed from the store while a sweep uses them)."""
    store = getattr(_SCRATCH, "buffers", None)
    if store is None:
        store = _SCRATCH.buffers = {}
    return store.pop(length, [])


def _keep_scratch(length: int, spare: list[np.ndarray]) -> None:
    """Keep buffers for the next sweep, the most recent length first, within SCRATCH_BYTES per thread."""
    store = _SCRATCH.buffers
    budget = SCRATCH_BYTES
    kept: dict[int, list[np.ndarray]] = {}
    for key, buffers in [(length, spare)] + list(store.items()):
        for buffer in buffers:
            if buffer.nbytes <= budget:
                kept.setdefault(key, []).append(buffer)
                budget -= buffer.nbytes
    _SCRATCH.buffers = kept


def plan_for(exprs: Sequence[Expression]) -> EvaluationPlan:
    """The cached plan for this tuple of expressions (built on first use; least recently used plans are dropped)."""
    key = tuple(exprs)
    with _PLANS_LOCK:
        plan = _PLANS.get(key)
        if plan is not None:
            _PLANS.move_to_end(key)
            return plan
    plan = EvaluationPlan(key)
    with _PLANS_LOCK:
        _PLANS[key] = plan
        while len(_PLANS) > PLAN_CACHE_SIZE:
            _PLANS.popitem(last=False)
    return plan


def clear_plan_cache() -> None:
    with _PLANS_LOCK:
        _PLANS.clear()


def evaluate_many(exprs: Sequence[Expression], values: Mapping[str, object] | None = None,
                  **kwargs) -> list[np.ndarray]:
    """Evaluate several expressions in one sweep; shared subexpressions are computed once.

    Values broadcast with numpy rules; every result is a new float64 array with the broadcast shape of all the given
    values (so a constant evaluated on a grid is a grid). NaN and inf propagate without warnings. A variable an
    expression needs but that is not given raises ``KeyError`` naming it.
    """
    exprs = list(exprs)
    if not exprs:
        return []
    env = dict(values or {})
    env.update(kwargs)
    arrays = {name: _as_float_array(value) for name, value in env.items()}
    return plan_for(exprs).run(arrays)


def _as_float_array(value: object) -> np.ndarray:
    """float64 array; 0-d inputs become numpy scalars, whose arithmetic is several times cheaper."""
    array = np.asarray(value, dtype=np.float64)
    return array[()] if array.ndim == 0 else array
