"""From-scratch NumPy implementations of the math behind neural networks.

Every function here is plain NumPy: this subpackage never imports TensorFlow
or Keras, so the math lessons run anywhere. The tests check each function
against TensorFlow/Keras and against numerical gradients.

- activations: :func:`sigmoid`, :func:`tanh`, :func:`relu`, :func:`softmax`
  and their derivatives;
- layers: :func:`dense`;
- losses: :func:`mse`, :func:`binary_cross_entropy`,
  :func:`categorical_cross_entropy` and their ``*_from_logits`` versions;
- gradients: :func:`numerical_gradient`;
- mlp: :class:`MLP`, a multilayer perceptron with backpropagation written out;
- optimizers: :class:`SGD`, :class:`Momentum`, :class:`RMSProp`, :class:`Adam`;
- attention: :func:`attention`, :func:`causal_mask`,
  :class:`MultiHeadAttention`, :func:`positional_encoding`;
- transformer: :func:`layer_norm`, :func:`gelu`, :class:`TransformerBlock` (the
  twin of :class:`bmlearn.layers.TransformerBlock`).
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
from bmlearn.math.attention import MultiHeadAttention, attention, causal_mask, positional_encoding
from bmlearn.math.gradients import numerical_gradient
from bmlearn.math.layers import dense
from bmlearn.math.losses import (
    binary_cross_entropy,
    binary_cross_entropy_from_logits,
    categorical_cross_entropy,
    categorical_cross_entropy_from_logits,
    mse,
)
from bmlearn.math.mlp import MLP
from bmlearn.math.optimizers import SGD, Adam, Momentum, RMSProp
from bmlearn.math.transformer import TransformerBlock, gelu, layer_norm

__all__ = [
    "MLP",
    "SGD",
    "Adam",
    "Momentum",
    "MultiHeadAttention",
    "RMSProp",
    "TransformerBlock",
    "attention",
    "binary_cross_entropy",
    "binary_cross_entropy_from_logits",
    "categorical_cross_entropy",
    "categorical_cross_entropy_from_logits",
    "causal_mask",
    "dense",
    "gelu",
    "layer_norm",
    "mse",
    "numerical_gradient",
    "positional_encoding",
    "relu",
    "relu_grad",
    "sigmoid",
    "sigmoid_grad",
    "softmax",
    "softmax_jacobian",
    "tanh",
    "tanh_grad",
]
