import numpy as np


def numpy_info_nce(embeddings_a, embeddings_b, temperature=0.07):
    """InfoNCE / NT-Xent: each of the 2N normalised embeddings must pick its partner among the
    other 2N - 1 by a softmax of cosine / temperature; the mean of -log of that probability."""
    z = np.concatenate([np.asarray(embeddings_a, dtype=float), np.asarray(embeddings_b, dtype=float)])
    z = z / np.linalg.norm(z, axis=1, keepdims=True)
    s = z @ z.T / temperature
    np.fill_diagonal(s, -np.inf)  # an embedding is not its own partner
    n = len(z) // 2
    partner = np.concatenate([np.arange(n, 2 * n), np.arange(n)])
    log_softmax = s - np.logaddexp.reduce(s, axis=1, keepdims=True)
    return float(0.0 - np.mean(log_softmax[np.arange(2 * n), partner]))
