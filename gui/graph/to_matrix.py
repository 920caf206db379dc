"""A graph holding vectors or matrices goes to the Matrix workspace as one formula (its "Send to…" button).

The engine compiles the output to one matrix formula over the inputs (engine.graph.tensor_compile.matrix_problem);
the Graph workspace emits it as ``matrix_sent`` and the window routes it to the Matrix tab, where it becomes one
undo step: the formula, every input's shape and numbers, and the first weight as the "with respect to" variable.
"""
from __future__ import annotations

from PySide6.QtCore import QMetaMethod

from engine.graph import GraphError
from engine.graph.tensor_compile import MatrixProblem, matrix_problem
from engine.matrix.workbench import MAX_SIDE, MatrixState, completed


def send_to_matrix(workspace) -> bool:
    """Compile the graph's output and emit it as ``workspace.matrix_sent``; a refusal goes to the status line."""
    if not workspace.isSignalConnected(QMetaMethod.fromSignal(workspace.matrix_sent)):
        workspace.show_status("No Matrix workspace to send to", error=True)
        return False
    graph = workspace.document.graph
    try:
        problem = matrix_problem(graph, MAX_SIDE)
    except GraphError as exc:
        workspace.show_status(f"Cannot send to the Matrix workspace: {exc}", error=True)
        return False
    workspace.show_status(f"Sent {graph.output} = {problem.expression} to the Matrix workspace")
    workspace.matrix_sent.emit(problem)
    return True


def receive_in_matrix(window, matrix_workspace, problem: MatrixProblem) -> None:
    """Show the problem in the Matrix tab as one undo step there, and bring that tab forward."""
    state = MatrixState(expression=problem.expression, shapes=dict(problem.shapes), values=dict(problem.values),
                        wrt=problem.wrt)
    matrix_workspace.model.push_state(completed(state), "Graph output sent from the Graph workspace", note=(
        "Sent from the Graph workspace: the graph's output compiled to one formula over its inputs. Its gradients "
        "here equal the graph's adjoints after Backward."))
    window.show_workspace("matrix")
