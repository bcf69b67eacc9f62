import numpy as np
from sklearn.metrics import mean_absolute_percentage_error

y_true = np.array([100.0, 50.0, 80.0, 20.0])
y_pred = np.array([110.0, 40.0, 80.0, 25.0])
result = 100 * float(mean_absolute_percentage_error(y_true, y_pred))  # a fraction: times 100
print(result)
