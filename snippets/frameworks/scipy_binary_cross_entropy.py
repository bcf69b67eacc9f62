import numpy as np
from scipy.special import xlogy

y_true = np.array([1.0, 0.0, 1.0, 0.0])
p_pred = np.array([0.9, 0.2, 0.6, 0.3])
result = float(-np.mean(xlogy(y_true, p_pred) + xlogy(1 - y_true, 1 - p_pred)))
print(result)
