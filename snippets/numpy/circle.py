import numpy as np


def numpy_circle(labels, embeddings, gamma=80.0, margin=0.4):
    """Circle loss as Keras computes it: for each embedding i, with d = max(0, 1 - cosine),
    softplus(logsumexp over positives of -gamma * max(0, m + d) * (m - d)
             + logsumexp over negatives of gamma * max(0, 1 + m - d) * (1 - m - d)),
    averaged over the rows that have a positive and a negative."""
    e, y = np.asarray(embeddings, dtype=float), np.asarray(labels)
    d = np.maximum(1 - e @ e.T, 0.0)
    same = y[:, None] == y[None, :]
    positive, negative = same & ~np.eye(len(y), dtype=bool), ~same
    s_p = -gamma * np.maximum(margin + d, 0) * (margin - d)
    s_n = gamma * np.maximum(1 + margin - d, 0) * (1 - margin - d)
    losses = []
    for i in range(len(y)):
        if positive[i].any() and negative[i].any():
            total = np.logaddexp.reduce(s_p[i][positive[i]]) + np.logaddexp.reduce(s_n[i][negative[i]])
            losses.append(np.logaddexp(0.0, total))
    return float(np.mean(losses)) if losses else 0.0
