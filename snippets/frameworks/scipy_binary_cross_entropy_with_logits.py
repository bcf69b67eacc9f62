import numpy as np
from scipy.special import log_expit

y_true = np.array([1.0, 0.0, 1.0, 0.0])
logits = np.array([2.2, -1.4, 0.4, 0.8])
# log_expit(z) = log(sigmoid(z)), computed stably;
# log(1 - sigmoid(z)) = log_expit(-z)
log_p, log_not_p = log_expit(logits), log_expit(-logits)
result = float(-np.mean(y_true * log_p + (1 - y_true) * log_not_p))
print(result)
