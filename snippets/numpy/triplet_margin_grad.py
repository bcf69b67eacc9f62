import numpy as np


def numpy_triplet_margin_grad(anchor, positive, negative, margin=1.0, eps=1e-6, reduction="mean"):
    """Gradients of the Euclidean triplet margin loss max(0, d(a, p) - d(a, n) + margin), with
    d(x, y) = |x - y + eps|, with respect to a, p and n: d|v|/dv = v / |v| (0 for v = 0), so
    where d(a, p) - d(a, n) + margin >= 0 (the kink included): a gets g_ap - g_an, p gets -g_ap
    and n gets g_an; 0 elsewhere. / triplets for "mean"."""
    a, p, n = (np.asarray(x, dtype=float) for x in (anchor, positive, negative))

    def distance_and_slope(v):
        d = np.linalg.norm(v, axis=-1, keepdims=True)
        return d, v / np.where(d > 0, d, 1.0)

    d_ap, g_ap = distance_and_slope(a - p + eps)
    d_an, g_an = distance_and_slope(a - n + eps)
    active = (d_ap - d_an + margin >= 0) / (len(a) if reduction == "mean" else 1)
    return active * (g_ap - g_an) + 0.0, active * (0.0 - g_ap) + 0.0, active * g_an + 0.0
