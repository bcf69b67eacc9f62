import numpy as np


def numpy_info_nce_grad(embeddings_a, embeddings_b, temperature=0.07, reduction="mean"):
    """Gradients of InfoNCE / NT-Xent with respect to both embeddings. For row i of the similarity
    s = z z^T / temperature (z the 2N normalised embeddings, no self-pairs), d loss_i / d s_ik =
    softmax_k(s_i) - [k = partner(i)]; then d/dz = (W + W^T) z / temperature, and through the
    normalisation z = x / |x|: d/dx = (g - (g . z) z) / |x|. / 2N for "mean", else the gradient of
    the sum of the losses."""
    x = np.concatenate([np.asarray(embeddings_a, dtype=float), np.asarray(embeddings_b, dtype=float)])
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    z = x / norms
    s = z @ z.T / temperature
    np.fill_diagonal(s, -np.inf)  # an embedding is not its own partner
    n = len(z) // 2
    partner = np.concatenate([np.arange(n, 2 * n), np.arange(n)])
    w = np.exp(s - np.logaddexp.reduce(s, axis=1, keepdims=True))
    w[np.arange(2 * n), partner] -= 1
    if reduction == "mean":
        w /= 2 * n
    g = (w + w.T) @ z / temperature
    grad = (g - np.sum(g * z, axis=1, keepdims=True) * z) / norms
    return grad[:n], grad[n:]
