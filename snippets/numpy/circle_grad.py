import numpy as np


def numpy_circle_grad(labels, embeddings, gamma=80.0, margin=0.4, reduction="mean"):
    """Gradient of the circle loss (Keras' form, see numpy_circle) with respect to the embeddings.
    Row i's loss softplus(L_i) has d/ds_ij = sigmoid(L_i) softmax_j(s_i) over j's group (P_i or
    N_i); with d = max(0, 1 - c): ds_p/dd = -gamma ([m + d > 0] (m - d) - max(0, m + d)),
    ds_n/dd = gamma ([1 + m - d > 0] (m + d - 1) - max(0, 1 + m - d)), dd/dc = -[1 - c > 0],
    and c_ij = e_i . e_j feeds both e_i and e_j. "mean" divides by the rows that have a positive
    and a negative; otherwise the gradient of the sum of the losses."""
    e, y, m = np.asarray(embeddings, dtype=float), np.asarray(labels), margin
    c = e @ e.T
    d = np.maximum(1 - c, 0.0)
    same = y[:, None] == y[None, :]
    positive, negative = same & ~np.eye(len(y), dtype=bool), ~same
    s_p = -gamma * np.maximum(m + d, 0) * (m - d)
    s_n = gamma * np.maximum(1 + m - d, 0) * (1 - m - d)
    ds_p = -gamma * ((m + d > 0) * (m - d) - np.maximum(m + d, 0))
    ds_n = gamma * ((1 + m - d > 0) * (m + d - 1) - np.maximum(1 + m - d, 0))
    dloss_dc = np.zeros_like(c)
    rows = 0
    for i in range(len(y)):
        if positive[i].any() and negative[i].any():
            rows += 1
            lse_p = np.logaddexp.reduce(s_p[i][positive[i]])
            lse_n = np.logaddexp.reduce(s_n[i][negative[i]])
            sigmoid = np.exp(-np.logaddexp(0.0, -(lse_p + lse_n)))
            dloss_dd = np.where(positive[i], np.exp(s_p[i] - lse_p) * ds_p[i], 0.0)
            dloss_dd += np.where(negative[i], np.exp(s_n[i] - lse_n) * ds_n[i], 0.0)
            dloss_dc[i] = sigmoid * dloss_dd * np.where(1 - c[i] > 0, -1.0, 0.0)
    grad = dloss_dc @ e + dloss_dc.T @ e
    return grad / max(rows, 1) if reduction == "mean" else grad
