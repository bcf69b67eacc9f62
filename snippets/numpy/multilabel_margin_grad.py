import numpy as np


def numpy_multilabel_margin_grad(targets, scores, reduction="mean"):
    """Gradient of the multi-label margin loss with respect to the scores: each positive term
    1 - (s_j - s_i), for a target j (listed before the first -1) and a non-target i, adds 1 / K
    to d/ds_i and -1 / K to d/ds_j (0 at the kink); / rows for "mean"."""
    s = np.asarray(scores, dtype=float)
    grad = np.zeros_like(s)
    for row, t, g in zip(s, np.asarray(targets), grad):
        listed = []
        for j in t:
            if j < 0:
                break
            listed.append(j)
        others = [i for i in range(len(row)) if i not in listed]
        for j in listed:
            for i in others:
                if 1 - row[j] + row[i] > 0:
                    g[i] += 1 / len(row)
                    g[j] -= 1 / len(row)
    return grad / (len(s) if reduction == "mean" else 1)
