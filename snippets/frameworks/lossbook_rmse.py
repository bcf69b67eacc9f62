import numpy as np

from lossbook import rmse

y_true = np.array([3.0, -0.5, 2.0, 7.0, 4.0])
y_pred = np.array([2.5, 0.0, 2.0, 8.0, 1.5])
result = rmse(y_true, y_pred)
print(result)
