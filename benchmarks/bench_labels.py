"""Edge-label placement (gui.graph.labels) on the inputs a real Graph scene gives it: this checkout against a baseline
checkout (default /work/wt/base), timed in the same run, and the placements compared (never a test).

    .venv/bin/python benchmarks/bench_labels.py [--sizes 40,100,150,1000] [--no-presets] [--rounds 5] [--base DIR]

First a child process opens, in an offscreen Graph workspace of this checkout (the scene as it now asks for
labels), the random graphs of bench_graph_gui.make_file and every graph preset, each as opened, then at scale 1 in
the middle of the graph, then panned by half a view (labels that keep their spots), then with a new value for an
input (new texts), then over the whole graph (as an export places them), and records every call the scene makes to ``label_steps`` (requests, runs of edges, nodes,
arrowheads, fixed and preferred labels) to a JSON file; a few packed crowds no scene makes are added (labels that
push each other and overlap). Then child processes of each checkout, alternated over rounds, replay every recorded
call through ``place_labels`` (the fastest of a few repeats after a warm-up, automatic garbage collection off as in
the app; the median of that over rounds) and through ``label_steps`` a step at a time (the longest step, the least
of three runs; its median over rounds), and return the placements. The placements must be IDENTICAL (every label's
rect and form, and the order of the dict); the ratios are base / this.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
ROOT = Path(os.environ.get("GRADSCAPE_ROOT", HERE))   # the checkout measured (in a child)


def _floats(values) -> list:
    return [float(v) for v in values]


def encode_call(requests, runs, nodes, soft, fixed, preferred) -> dict:
    """One call to label_steps as JSON (an edge's key is its (parent, child) names, as the scene orders them)."""
    return {"requests": [[list(e.key), [_floats(p) for p in points], [_floats(s) for s in sizes]]
                         for e, points, sizes in requests],
            "runs": [[list(e.key), [[_floats(p) for p in part] for part in parts]] for e, parts in runs.items()],
            "nodes": [_floats(r) for r in nodes], "soft": [_floats(r) for r in soft],
            "fixed": [[list(e.key), _floats(spot[0]), spot[1]] for e, spot in (fixed or {}).items()],
            "preferred": [[list(e.key), _floats(spot[0]), spot[1]] for e, spot in (preferred or {}).items()]}


def decode_call(call: dict) -> tuple:
    """The arguments of place_labels, as the scene passes them (points as float arrays, rects as tuples)."""
    import numpy as np
    requests = [(tuple(k), np.asarray(points, dtype=float), [tuple(s) for s in sizes])
                for k, points, sizes in call["requests"]]
    runs = {tuple(k): [np.asarray(p, dtype=float) for p in parts] for k, parts in call["runs"]}
    fixed = {tuple(k): (tuple(r), form) for k, r, form in call["fixed"]}
    preferred = {tuple(k): (tuple(r), form) for k, r, form in call["preferred"]}
    return (requests, runs, [tuple(r) for r in call["nodes"]], [tuple(r) for r in call["soft"]], fixed, preferred)


def capture(out: Path, sizes: list[int], presets: bool) -> None:
    """(In a child, this checkout on sys.path.) Record the scene's calls to label_steps."""
    sys.path[:0] = [str(ROOT), str(HERE)]
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from benchmarks.isolation import use_own_user_files
    use_own_user_files()
    from PySide6.QtWidgets import QApplication
    app = QApplication.instance() or QApplication(sys.argv)
    from benchmarks.bench_graph_gui import discard, make_file, new_workspace, view_complete, zoom_to_readable
    from benchmarks.timing import spin
    from engine.graph.fileformat import list_presets
    import gui.graph.detail as detail
    real, calls = detail.label_steps, []

    def recording(requests, runs, nodes, soft=(), fixed=None, preferred=None, name=str):
        if requests:
            calls.append((case[0], encode_call(requests, runs, nodes, soft, fixed, preferred)))
        return (yield from real(requests, runs, nodes, soft, fixed, preferred, name))
    detail.label_steps = recording
    case = [""]
    with tempfile.TemporaryDirectory() as tmp:
        graphs = [(f"random-{n}", make_file(Path(tmp), n)) for n in sizes]
        graphs += [(f"preset {title}", path) for title, path in (list_presets() if presets else [])]
        for title, path in graphs:
            ws = new_workspace(app, Path(tmp))
            for case[0], act in ((f"{title} opened", lambda: ws.open_file(str(path))),
                                 (f"{title} scale 1", lambda: zoom_to_readable(ws)),
                                 (f"{title} panned", lambda: _pan(ws)),
                                 (f"{title} edited", lambda: _edit(ws)),
                                 (f"{title} whole", lambda: ws.scene.ensure_layout(labels=True))):
                act()
                spin(app, 0.3)   # an edit's numbers come from the worker
                view_complete(app, ws)
            discard(app, ws)
    recorded: dict[str, list] = {}
    for name, call in calls:
        recorded.setdefault(name, []).append(call)
    for count in (5, 8):
        recorded[f"crowd-{count} packed"] = [crowd(count)]
    out.write_text(json.dumps(recorded))


def crowd(count: int) -> dict:
    """A recorded-call-like case no scene makes: ``count`` parallel short edges packed between two columns of nodes,
    each label too wide for the gap (they push each other, and the last take the least overlapping spot)."""
    requests, runs = [], []
    for i in range(count):
        points = [[100.0 + 4 * k, 200.0 + 3 * i] for k in range(30)]
        requests.append([["a", f"e{i:02d}"], points, [[90.0, 14.0], [50.0, 26.0], [30.0, 12.0]]])
        runs.append([["a", f"e{i:02d}"], [points]])
    nodes = [[40.0, 150.0 + 40 * j, 100.0, 180.0 + 40 * j] for j in range(8)] + \
        [[216.0, 150.0 + 40 * j, 276.0, 180.0 + 40 * j] for j in range(8)]
    return {"requests": requests, "runs": runs, "nodes": nodes, "soft": [[r[0] - 14, r[1], r[0], r[3]] for r in nodes],
            "fixed": [], "preferred": []}


def _edit(ws) -> None:
    """A new value for the first input: the labels' texts change (they keep their spots where still clear)."""
    g = ws.document.graph
    value = g.nodes[g.inputs[0]].value
    if isinstance(value, (int, float)):   # a tensor input is left as it is
        ws.document.edit_content(g.inputs[0], repr(value + 0.25))


def _pan(ws) -> None:
    bar = ws.canvas.horizontalScrollBar()
    bar.setValue(bar.value() + ws.canvas.viewport().width() // 2)


def replay(inputs: Path, repeats: int) -> None:
    """(In a child, the measured checkout on sys.path.) Time every recorded case; print JSON results."""
    sys.path[:0] = [str(ROOT), str(HERE)]
    from gui.graph.labels import label_steps, place_labels
    gc.disable()   # as the app runs (gui.garbage): no collection lands inside a timed call
    results = {}
    for case, calls in json.loads(inputs.read_text()).items():
        args = [decode_call(c) for c in calls]

        def run():
            return [place_labels(*a, name=lambda k: k) for a in args]
        placed = run()
        results[case] = {"seconds": fastest(run, repeats),
                         "longest_step": min(max(_longest_step(label_steps(*a, name=lambda k: k)) for a in args)
                                             for _ in range(3)),
                         "labels": sum(len(a[0]) for a in args),
                         "placed": [[[list(k), list(map(float, r)), form] for k, (r, form) in p.items()]
                                    for p in placed]}
        gc.collect()
    print(json.dumps(results))


def fastest(fn, repeats: int, least: float = 0.2) -> float:
    """The fastest of at least ``repeats`` calls (more, up to 50, until ``least`` seconds were spent): the work is
    deterministic, so the fastest call is the one other processes on a shared machine disturbed least."""
    samples: list[float] = []
    while len(samples) < repeats or (sum(samples) < least and len(samples) < 50):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return min(samples)


def _longest_step(steps) -> float:
    longest = 0.0
    while True:
        start = time.perf_counter()
        try:
            next(steps)
        except StopIteration:
            return max(longest, time.perf_counter() - start)
        longest = max(longest, time.perf_counter() - start)


def child(root: Path, *args: str) -> str:
    env = dict(os.environ, GRADSCAPE_ROOT=str(root))
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), *args], env=env, capture_output=True,
                          text=True, check=False)
    if done.returncode:
        sys.exit(f"child {args[0]} in {root} failed:\n{done.stderr}")
    return done.stdout


def report(base: list[dict], mine: list[dict]) -> None:
    """Per case: base and this checkout's median seconds, the ratio, the longest steps; whether placements match."""
    different = [case for case in base[0] if base[0][case]["placed"] != mine[0][case]["placed"]]
    print(f"{'case':44} {'labels':>6} {'base ms':>8} {'this ms':>8} {'ratio':>6} {'longest step base/this ms':>26}")
    groups: dict[str, list[float]] = {}
    for case in base[0]:
        b = statistics.median(r[case]["seconds"] for r in base)
        m = statistics.median(r[case]["seconds"] for r in mine)
        steps = [statistics.median(r[case]["longest_step"] for r in runs) for runs in (base, mine)]
        print(f"{case[:44]:44} {base[0][case]['labels']:6d} {b * 1e3:8.2f} {m * 1e3:8.2f} {b / m:6.2f}x "
              f"{steps[0] * 1e3:12.2f} / {steps[1] * 1e3:.2f}" + ("  DIFFERENT" if case in different else ""))
        group = case.split(" ")[0]
        groups.setdefault(group, [0.0, 0.0])
        groups[group][0] += b
        groups[group][1] += m
    print("totals per graph (all its cases):")
    for group, (b, m) in groups.items():
        print(f"  {group:12} base {b * 1e3:8.1f} ms  this {m * 1e3:8.1f} ms  ratio {b / m:.2f}x")
    if different:
        print(f"PLACEMENTS DIFFER from the baseline in {len(different)} case(s): {', '.join(different)}")
    else:
        print(f"placements IDENTICAL to the baseline in all {len(base[0])} cases "
              f"({sum(base[0][c]['labels'] for c in base[0])} labels)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="40,100,150,1000", help="comma-separated random graph sizes")
    parser.add_argument("--no-presets", action="store_true", help="only the random graphs")
    parser.add_argument("--rounds", type=int, default=5, help="alternations of the two checkouts")
    parser.add_argument("--repeats", type=int, default=5, help="timed repeats per case within a child")
    parser.add_argument("--base", default="/work/wt/base", help="the baseline checkout")
    parser.add_argument("--inputs", help="reuse recorded inputs (a JSON file written by an earlier run's --keep)")
    parser.add_argument("--keep", help="keep the recorded inputs in this file")
    parser.add_argument("--capture", help=argparse.SUPPRESS)
    parser.add_argument("--replay", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    if args.capture:
        return capture(Path(args.capture), sizes, not args.no_presets)
    if args.replay:
        return replay(Path(args.replay), args.repeats)
    print(f"this {HERE} vs base {args.base}; load {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        inputs = Path(args.inputs) if args.inputs else Path(args.keep or Path(tmp) / "inputs.json")
        if not args.inputs:
            child(HERE, "--capture", str(inputs), "--sizes", args.sizes,
                  *(["--no-presets"] if args.no_presets else []))
        base, mine = [], []
        for n in range(args.rounds):
            for root, results in ((args.base, base), (HERE, mine))[::1 if n % 2 == 0 else -1]:
                results.append(json.loads(child(Path(root), "--replay", str(inputs), "--repeats", str(args.repeats))))
    print(f"load after: {os.getloadavg()[0]:.2f}")
    report(base, mine)


if __name__ == "__main__":
    main()
