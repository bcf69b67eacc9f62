"""The pitfalls page (docs/practice/pitfalls.md): three clipping rules, three different numbers; the exercises'
answers."""

from __future__ import annotations

import math

import numpy as np

from booksite.emulate import keras_binary_crossentropy, sklearn_log_loss, torch_binary_cross_entropy
from booksite.page import check, num, probed, table
from lossbook import binary_cross_entropy, softmax, softmax_cross_entropy


def clipping_table(y: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, str]:
    """Each example's binary cross-entropy under lossbook and under each library's clipping rule (NumPy
    emulations, tested against the libraries): (lossbook's terms, the Markdown table of the first
    example's cost and the mean)."""
    eps64 = np.finfo(np.float64).eps
    clip = probed("clipping")  # the rules as probed on the real libraries
    assert clip["sklearn"]["eps_float64"] == float(f"{eps64:.12g}") and clip["sklearn"]["clips_at_machine_epsilon"]
    keras_eps = f"{clip['keras']['epsilon']:.0e}".replace("e-0", "e-")  # 1e-7
    exact_terms = binary_cross_entropy(y, p, reduction="none")
    emulated = {
        "lossbook (no clipping)": exact_terms,
        f"PyTorch `binary_cross_entropy`: each log clamped at {clip['torch']['log_clamp']:g}": (
            torch_binary_cross_entropy(y, p)
        ),
        f"scikit-learn `log_loss`: clipped to [ε, 1 − ε], ε = {eps64:.1e}": sklearn_log_loss(y, p),
        f"Keras `BinaryCrossentropy`: clipped to [{keras_eps}, 1 − {keras_eps}]": keras_binary_crossentropy(y, p),
    }
    rows = [[name, num(terms[0]), num(terms.mean())] for name, terms in emulated.items()]
    header = ["rule", "cost of the confident mistake", f"mean over the {len(y)} examples"]
    return exact_terms, "NumPy emulations of each library's rule, in nats:\n\n" + table(header, rows, align="lrr")


def exercise_1_answer(ex_z, ex_label) -> str:
    """The answer, computed step by step and checked."""
    out = []
    ex_p1 = [math.exp(v) / math.fsum(math.exp(w) for w in ex_z) for v in ex_z]
    ex_p2 = [math.exp(v) / math.fsum(math.exp(w) for w in ex_p1) for v in ex_p1]
    ex_right, ex_wrong = -math.log(ex_p1[ex_label]), -math.log(ex_p2[ex_label])
    out.append(
        f"Correct: the softmax gives the true class {num(ex_p1[ex_label])}, a loss of {num(ex_right)} nats. Twice: "
        f"the probabilities are treated as logits, squeezed into a range of one, and the true class gets only "
        f"{num(ex_p2[ex_label])}, a loss of {num(ex_wrong)} nats that no training can bring near zero.\n"
    )
    out.append(
        check(
            "pitfalls exercise 1, correct",
            ex_right,
            softmax_cross_entropy([ex_label], [ex_z]),
            function="lossbook.classification.softmax_cross_entropy",
        )
    )
    out.append(
        check(
            "pitfalls exercise 1, double",
            ex_wrong,
            softmax_cross_entropy([ex_label], [softmax(ex_z)]),
            function="lossbook.classification.softmax_cross_entropy",
        )
    )
    return "\n".join(out)
