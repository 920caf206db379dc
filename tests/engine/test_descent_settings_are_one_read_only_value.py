"""A Descent owns its settings (method, every hyperparameter, start) as one validated, read-only value: a change
makes new settings, a bad one is refused naming the field, and nothing outside can edit them behind its back."""
import numpy as np
import pytest

from engine import parse
from engine.optim.descent import METHODS, Descent, RunSettings


def test_settings_fill_the_methods_defaults_and_refuse_bad_fields():
    s = RunSettings("adam", {"lr": 0.2}, [1, 2])
    assert dict(s.hyper) == {**METHODS["adam"].defaults, "lr": 0.2}
    assert s.start.dtype == np.float64 and list(s.start) == [1.0, 2.0]
    with pytest.raises(ValueError, match="unknown method"):
        RunSettings("sgd", {}, [0.0])
    with pytest.raises(ValueError, match="lr must be in"):
        RunSettings("gd", {"lr": -1.0}, [0.0])
    with pytest.raises(ValueError, match="has no hyperparameter 'momentum'"):
        RunSettings("gd", {"momentum": 0.5}, [0.0])


def test_settings_are_read_only_and_change_by_making_new_ones():
    start = np.array([1.0, 2.0])
    s = RunSettings("momentum", {"lr": 0.1}, start)
    start[0] = 99.0                                     # the caller's array is copied, not shared
    assert s.start[0] == 1.0
    with pytest.raises(TypeError):
        s.hyper["lr"] = 5.0
    with pytest.raises(ValueError):
        s.start[0] = 5.0
    with pytest.raises(AttributeError):
        s.method = "gd"
    t = s.replaced(hyper={"momentum": 0.5})
    assert (t.hyper["lr"], t.hyper["momentum"], s.hyper["momentum"]) == (0.1, 0.5, 0.9)
    u = s.replaced(method="gd")                         # a new method starts from its own defaults
    assert dict(u.hyper) == METHODS["gd"].defaults and np.array_equal(u.start, s.start)
    assert s.replaced(start=[3, 4]) == RunSettings("momentum", {"lr": 0.1}, [3.0, 4.0]) != s


def test_a_descent_reads_its_settings_and_changes_them_only_through_its_methods():
    f = parse("x^2 + y^2")
    d = Descent.from_settings(f, RunSettings("gd", {"lr": 0.25}, [1.0, 1.0]), max_steps=10)
    assert (d.method, d.hyper["lr"], list(d.start)) == ("gd", 0.25, [1.0, 1.0])
    with pytest.raises(TypeError):
        d.hyper["lr"] = 1.0
    d.step()
    np.testing.assert_allclose(d.points[1], [0.5, 0.5])        # x − 0.25·2x by hand
    d.set_hyperparameters(lr=0.5)
    assert d.settings.hyper["lr"] == d.hyper["lr"] == 0.5 and len(d.points) == 2
    with pytest.raises(ValueError):
        d.set_hyperparameters(lr=0.0)
    assert d.hyper["lr"] == 0.5                                # a refused value changes nothing
    d.step()
    np.testing.assert_allclose(d.points[2], [0.0, 0.0], atol=1e-15)   # x − 0.5·2x = 0


def test_an_objective_that_raises_ends_the_run_instead_of_raising():
    from engine.optim.objective import Objective

    def broken(_):
        raise TypeError("no value")
    d = Descent(Objective(("x",), broken, broken), [1.0], "gd")
    assert d.status == "diverged" and d.diverged_at == 0 and "evaluation failed: no value" in d.message
