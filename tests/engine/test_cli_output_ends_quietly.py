"""`python -m engine … | head` ends quietly: a reader that closes the pipe early gets no traceback on stderr."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_closed_pipe_ends_the_command_without_a_traceback():
    # 3,000 printed steps overflow the pipe's buffer after the reader has gone
    proc = subprocess.Popen([sys.executable, "-m", "engine", "descend", "x^2+y^2", "--from", "1,1", "--method", "gd",
                             "--lr", "1e-6", "--steps", "3000", "--json"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    with proc:
        proc.stdout.read(10)
        proc.stdout.close()
        err = proc.stderr.read().decode()
    assert "Traceback" not in err and "BrokenPipeError" not in err
    assert proc.returncode in (0, 1)
