"""``python -m engine descend``: one optimizer run from a start point."""
from __future__ import annotations

from engine.cli.common import (CLIError, add_expression, add_numbers, format_number, format_vector, function_heading,
                               parse_function, parse_point, subcommand, table)
from engine.analysis.step_size import step_size_report
from engine.analysis.verdicts import diverged_text, run_verdict, step_limit_text, stop_text, undefined_where
from engine.optim.descent import HYPER_HELP, METHODS, Descent
from engine.optim.objective import Objective

MAX_CLI_STEPS = 100_000   # every step's point is kept and printed: a bound keeps a typo from eating memory


def register(subparsers) -> None:
    with subcommand(subparsers, "descend", descend_command, render_descend,
                    help="run an optimizer from a start point",
                    description="Runs one optimizer and prints its trail: points, values and the final status "
                                "(converged, diverged or max_steps) and what the point it stopped at is (stopped_at: "
                                "minimum, maximum, saddle or undecided, by the second-derivative test).") as parser:
        add_expression(parser)
        add_numbers(parser, "--from", "the start point", dest="start")
        parser.add_argument("--method", required=True, choices=list(METHODS), help="the optimizer")
        parser.add_argument("--steps", type=int, default=200, help="most steps to take, at most 100,000 (default 200)")
        parser.add_argument("--tol", type=float, default=1e-8, help="converged when |gradient| < TOL (default 1e-8)")
        for name, help_text in HYPER_HELP.items():
            parser.add_argument(f"--{name}", type=float, help=f"{help_text} (used by the methods that have it)")


def descend_command(args) -> dict:
    f = parse_function(args.expression)
    names = f.variables
    start = parse_point(args.start, "--from", names)
    method = METHODS[args.method]
    given = {k: getattr(args, k) for k in HYPER_HELP if getattr(args, k) is not None}
    unused = [k for k in given if k not in method.defaults]
    if unused:
        raise CLIError(f"{method.label} does not use --{unused[0]} (it takes {', '.join(method.defaults)})")
    if not 0 <= args.steps <= MAX_CLI_STEPS:
        raise CLIError(f"--steps must be a whole number from 0 to {MAX_CLI_STEPS:,} (got {args.steps})")
    run = Descent(Objective.from_expression(f), start, args.method, max_steps=args.steps, tol=args.tol, **given)
    for _ in run.run():
        pass
    verdict = run_verdict(run)
    undefined = undefined_where(run)
    summary = _summary(run, verdict, names)
    return {"expression": str(f), "variables": list(names), "method": args.method, "hyperparameters": dict(run.hyper),
            "points": run.points, "values": run.values, "status": run.status, "steps": run.steps_taken,
            "diverged_at": run.diverged_at, "message": summary, "detail": run.message,
            "stopped_at": verdict.stopped_at, "verdict": verdict.text,
            "undefined": None if undefined is None else {"what": undefined.what, "step": undefined.step,
                                                         "point": undefined.point, "text": undefined.text(names)},
            "summary": summary,
            "step_size": step_size_report(run.objective, start, args.method, run.hyper, run.points),
            "newton_steps": [i.get("newton_step") for i in run.infos] if args.method == "newton" else None}


def _summary(run: Descent, verdict, names) -> str:
    """The run's status in the words the Descent workspace uses: the JSON's ``message`` and ``summary`` both (its
    ``detail`` is the optimizer's own account, e.g. the gradient norm against the tolerance)."""
    if run.status == "diverged":
        return diverged_text(run, names)[1]
    if run.status == "converged":
        return stop_text(run.steps_taken, verdict)
    if run.status == "max_steps":
        return step_limit_text(run.steps_taken, run.values)
    return run.message


def render_descend(r: dict) -> str:
    hyper = ", ".join(f"{k}={v:g}" for k, v in r["hyperparameters"].items())
    head = [function_heading(r), f"{METHODS[r['method']].label} ({hyper}): {r['summary']}",
            f"Step size, quadratic model at the start: {r['step_size']['text']}", ""]
    indices = list(range(len(r["points"])))
    if len(indices) > 16:
        indices = indices[:8] + [None] + indices[-6:]
    rows = [["…", "", ""] if i is None else [str(i), format_vector(r["points"][i]), format_number(r["values"][i])]
            for i in indices]
    return "\n".join(head + table(["step", f"({', '.join(r['variables'])})", "f"], rows))
