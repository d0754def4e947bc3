import subprocess
import sys

# Calls every public function and class of bmlearn.math once, then checks that neither
# TensorFlow nor Keras was imported along the way.
SMOKE = """
import sys
import numpy as np
import bmlearn, bmlearn.math as m, bmlearn.validation
m.softmax([1.0, 2.0]); m.dense([1.0], [[1.0]], [0.0])
m.sigmoid([0.0]); m.tanh([0.0]); m.relu([0.0]); m.softmax_jacobian([0.0, 1.0])
m.sigmoid_grad([0.0]); m.tanh_grad([0.0]); m.relu_grad([0.0])
m.mse([1.0], [0.5]); m.binary_cross_entropy([1.0], [0.5])
m.binary_cross_entropy_from_logits([1.0], [0.5])
m.categorical_cross_entropy([[1.0, 0.0]], [[0.5, 0.5]])
m.categorical_cross_entropy_from_logits([[1.0, 0.0]], [[0.5, 0.5]])
m.numerical_gradient(lambda v: float(v @ v), np.ones(2))
net = m.MLP((2, 3, 1), seed=0)
net.fit(np.zeros((4, 2)), np.array([0, 1, 1, 0]), epochs=2)
net.forward(np.zeros((4, 2))); net.backward(np.zeros(4)); net.predict(np.zeros((1, 2)))
for opt in (m.SGD(), m.Momentum(), m.RMSProp(), m.Adam()):
    opt.step([np.ones(2)], [np.ones(2)])
m.attention(np.ones((3, 2)), np.ones((3, 2)), np.ones((3, 2)), mask=m.causal_mask(3))
mha = m.MultiHeadAttention.random(4, 2, 2)
m.MultiHeadAttention.from_keras_weights(mha.get_weights())(np.ones((3, 4)), use_causal_mask=True)
m.positional_encoding(4, 6)
m.layer_norm(np.ones((2, 3)), np.ones(3), np.zeros(3)); m.gelu([0.5])
blk = m.TransformerBlock.random(4, 2, seed=0)
m.TransformerBlock.from_keras_weights(blk.get_weights())(np.ones((3, 4)))
bad = [k for k in sys.modules if k.split('.')[0] in ('tensorflow', 'keras')]
print(bad); sys.exit(1 if bad else 0)
"""


def test_bmlearn_math_never_imports_tensorflow():
    result = subprocess.run([sys.executable, "-c", SMOKE], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_smoke_code_calls_every_public_name():
    import bmlearn.math

    for name in bmlearn.math.__all__:
        assert name in SMOKE, f"add a call of bmlearn.math.{name} to the smoke code"


# Modules that must never import TensorFlow or Keras, now and as the course grows: the math,
# the calculators and the tokenizers are read and run where no TensorFlow is installed.
# A glob covers modules that do not exist yet (bmlearn/scaling.py, bmlearn/business/,
# bmlearn/text/ but for generation, which drives a Keras model).
NO_TENSORFLOW_GLOBS = ("math/*.py", "numerics.py", "comparison.py", "evaluation.py",
                       "validation.py", "overrides.py", "profiles.py", "scaling.py", "privacy.py",
                       "business/*.py", "business/**/*.py", "text/*.py")
MAY_IMPORT_KERAS = {"bmlearn.text.generation"}


def _modules_without_tensorflow():
    import pathlib

    root = pathlib.Path(__file__).resolve().parents[2] / "bmlearn"
    found = set()
    for pattern in NO_TENSORFLOW_GLOBS:
        for path in root.glob(pattern):
            parts = path.relative_to(root.parent).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            if name not in MAY_IMPORT_KERAS:
                found.add(name)
    return sorted(found)


def test_numpy_only_modules_import_no_tensorflow():
    modules = _modules_without_tensorflow()
    assert "bmlearn.numerics" in modules and "bmlearn.math.attention" in modules
    code = ("import importlib, sys\n"
            f"for name in {modules!r}:\n"
            "    importlib.import_module(name)\n"
            "bad = sorted({k.split('.')[0] for k in sys.modules} & {'tensorflow', 'keras'})\n"
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
