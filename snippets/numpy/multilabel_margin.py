import numpy as np


def numpy_multilabel_margin(targets, scores):
    """Multi-label margin loss: for each row, every target j (listed before the first -1) and every
    other class i add max(0, 1 - (s_j - s_i)); divided by K, then averaged over the rows."""
    s = np.asarray(scores, dtype=float)
    losses = []
    for row, t in zip(s, np.asarray(targets)):
        listed = []
        for j in t:
            if j < 0:
                break
            listed.append(j)
        others = [i for i in range(len(row)) if i not in listed]
        losses.append(sum(max(0.0, 1 - row[j] + row[i]) for j in listed for i in others) / len(row))
    return float(np.mean(losses))
