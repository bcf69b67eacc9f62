import numpy as np
from scipy.special import huber

y_true = np.array([3.0, -0.5, 2.0, 7.0, 4.0])
y_pred = np.array([2.5, 0.0, 2.0, 8.0, 1.5])
# Elementwise: huber(delta, error)
result = float(np.mean(huber(1.0, y_pred - y_true)))
print(result)
