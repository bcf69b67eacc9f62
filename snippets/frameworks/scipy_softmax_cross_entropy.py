import numpy as np
from scipy.special import log_softmax

labels = np.array([0, 2, 1])
logits = np.array([[2.0, 1.0, 0.1], [0.5, 0.3, 2.2], [1.2, 0.8, -0.5]])
# Axis=1: the default axis=None would use the whole array
log_q = log_softmax(logits, axis=1)
result = float(-np.mean(log_q[np.arange(len(labels)), labels]))
print(result)
