import numpy as np
from sklearn.metrics import mean_pinball_loss

y_true = np.array([3.0, -0.5, 2.0, 7.0, 4.0])
y_pred = np.array([2.5, 0.0, 2.0, 8.0, 1.5])
result = float(mean_pinball_loss(y_true, y_pred, alpha=0.9))  # alpha is the quantile
print(result)
