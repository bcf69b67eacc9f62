"""lossbook: reference NumPy implementations of deep-learning losses and information measures.

Every function validates its inputs before computing anything and never modifies them:
array inputs must hold real numbers (bool, integer or float dtypes; booleans count as
0 and 1), be non-empty and finite, and paired arrays must have exactly the same shape
(nothing is broadcast). Violations raise `TypeError` (not numbers) or `ValueError`
(wrong shape or value), naming the argument. Reduced losses are Python floats,
unreduced ones float64 arrays.
"""
from lossbook._version import __version__
from lossbook.classification import binary_cross_entropy
from lossbook.classification import binary_cross_entropy_with_logits
from lossbook.classification import log_softmax
from lossbook.classification import one_hot
from lossbook.classification import softmax
from lossbook.classification import softmax_cross_entropy
from lossbook.information import cross_entropy
from lossbook.information import entropy
from lossbook.information import information_content
from lossbook.information import kl_divergence
from lossbook.regression import huber
from lossbook.regression import mae
from lossbook.regression import mse
from lossbook.regression import rmse

__all__ = [
    "__version__",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "entropy",
    "huber",
    "information_content",
    "kl_divergence",
    "log_softmax",
    "mae",
    "mse",
    "one_hot",
    "rmse",
    "softmax",
    "softmax_cross_entropy",
]
