import numpy as np


def numpy_cosine_similarity(y_true, y_pred):
    """Negative cosine similarity along the last axis, averaged: -(y . p) / (|y| |p|), 0 for a zero
    vector. Each vector is first divided by its largest entry, so no square overflows."""

    def unit(x):
        x = np.asarray(x, dtype=float)
        top = np.max(np.abs(x), axis=-1, keepdims=True)
        x = x / np.where(top > 0, top, 1.0)
        norm = np.linalg.norm(x, axis=-1, keepdims=True)
        return x / np.where(norm > 0, norm, 1.0)

    return float(np.mean(-np.sum(unit(y_true) * unit(y_pred), axis=-1)))
