import numpy as np
from scipy.special import expit
from sklearn.metrics import log_loss

y_true = np.array([1, 0, 1, 0])
logits = np.array([2.2, -1.4, 0.4, 0.8])
# Sigmoid first: log_loss takes probabilities
result = log_loss(y_true, expit(logits))
print(result)
