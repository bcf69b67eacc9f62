import numpy as np
from sklearn.metrics import log_loss

y_true = np.array([1, 0, 1, 0])
p_pred = np.array([0.0, 0.2, 0.6, 0.3])  # 0 for a 1
# Predictions are clipped to [eps, 1 - eps], eps = np.finfo(float).eps
result = log_loss(y_true, p_pred)
print(result)
