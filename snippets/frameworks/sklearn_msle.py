import numpy as np
from sklearn.metrics import mean_squared_log_error

y_true = np.array([3.0, 5.0, 2.5, 7.0])
y_pred = np.array([2.5, 5.0, 4.0, 8.0])
result = float(mean_squared_log_error(y_true, y_pred))
print(result)
