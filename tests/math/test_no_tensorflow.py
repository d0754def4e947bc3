import subprocess
import sys


def test_bmlearn_math_never_imports_tensorflow():
    code = (
        "import sys, bmlearn, bmlearn.math as m, bmlearn.validation;"
        "m.softmax([1.0, 2.0]); m.dense([1.0], [[1.0]], [0.0]);"
        "bad = [k for k in sys.modules if k.split('.')[0] in ('tensorflow', 'keras')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
