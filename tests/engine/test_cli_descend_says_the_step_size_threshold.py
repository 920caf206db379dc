"""``descend`` says what the quadratic model at the start says about the step size, in the words the Descent
workspace uses: on x² + 25y² gradient descent's threshold 2/λmax = 0.04 and its factor |1 − 50η|; Nesterov's own
bound; no threshold on a saddle; a plain note for Adam."""
import pytest

from tests.engine.test_cli import run_json, run_main


def test_gradient_descent_on_the_narrow_bowl(capsys):
    r = run_json(capsys, "descend", "x^2+25*y^2", "--from", "1,0.5", "--method", "gd", "--lr", "0.05", "--steps", "30")
    s = r["step_size"]
    assert s["eigenvalues"] == pytest.approx([2.0, 50.0]) and s["bound"] == "2/λmax"
    assert s["threshold"] == pytest.approx(0.04) and s["predicted_factor"] == pytest.approx(1.5)
    assert r["status"] == "diverged" or r["steps"] == 30
    assert "η threshold 2/λmax = 0.04" in s["text"] and "diverges" in s["text"]
    code, out, _err = run_main(capsys, "descend", "x^2+25*y^2", "--from", "1,0.5", "--method", "gd", "--lr", "0.03")
    assert code == 0 and "Step size, quadratic model at the start: η threshold 2/λmax = 0.04" in out


def test_nesterov_saddle_and_adam(capsys):
    n = run_json(capsys, "descend", "x^2+25*y^2", "--from", "1,0.5", "--method", "nesterov", "--lr", "0.01",
                 "--momentum", "0.9")
    assert n["step_size"]["threshold"] == pytest.approx(2 * 1.9 / (2.8 * 50))
    saddle = run_json(capsys, "descend", "x^2-y^2", "--from", "1,1", "--method", "gd", "--steps", "5")
    assert saddle["step_size"]["threshold"] is None and "no minimum" in saddle["step_size"]["text"]
    adam = run_json(capsys, "descend", "x^2+25*y^2", "--from", "1,0.5", "--method", "adam", "--steps", "5")
    assert adam["step_size"]["threshold"] is None and "does not apply to Adam" in adam["step_size"]["text"]
