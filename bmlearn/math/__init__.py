"""From-scratch NumPy implementations of the math behind neural networks.

Every function here is plain NumPy: this subpackage never imports TensorFlow,
so the math lessons run anywhere. The tests check each function against
TensorFlow/Keras and against numerical gradients.
"""

from bmlearn.math.activations import (
    relu,
    relu_grad,
    sigmoid,
    sigmoid_grad,
    softmax,
    softmax_jacobian,
    tanh,
    tanh_grad,
)
from bmlearn.math.layers import dense

__all__ = [
    "dense",
    "relu",
    "relu_grad",
    "sigmoid",
    "sigmoid_grad",
    "softmax",
    "softmax_jacobian",
    "tanh",
    "tanh_grad",
]
