"""Finding critical points builds the derivatives on the search's worker thread, never on the UI thread (they
cost tens of milliseconds for a large function), and the search's results are those of the engine."""
import threading

import engine.expr.methods as methods
from tests.gui.surface_helpers import find_critical_points, type_function


def test_derivatives_for_the_search_are_built_off_the_ui_thread(qtbot, main_window, surface, monkeypatch):
    type_function(qtbot, surface, "x^4 - 2*x^2 + y^2 + 0.1*x*y")
    ui = threading.current_thread()
    built_on = []
    real_gradient, real_hessian = methods.gradient, methods.hessian_of

    def gradient(f, variables):
        built_on.append(threading.current_thread())
        return real_gradient(f, variables)

    def hessian_of(f, variables):
        built_on.append(threading.current_thread())
        return real_hessian(f, variables)

    monkeypatch.setattr(methods, "gradient", gradient)
    monkeypatch.setattr(methods, "hessian_of", hessian_of)
    results = find_critical_points(qtbot, surface)
    assert ui not in built_on   # derivatives are kept on the Expression: those the point's analysis built serve too
    assert len(results) == 3                      # two minima and the saddle between them
    h = 1e-6
    for c in results:                            # ∇f = 0 there, by central differences
        x, y = map(float, c.point)
        fx = ((x + h) ** 4 - (x - h) ** 4 - 2 * ((x + h) ** 2 - (x - h) ** 2) + 0.1 * 2 * h * y) / (2 * h)
        fy = ((y + h) ** 2 - (y - h) ** 2 + 0.1 * x * 2 * h) / (2 * h)
        assert abs(fx) < 1e-6 and abs(fy) < 1e-6
