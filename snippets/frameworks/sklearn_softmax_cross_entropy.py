import numpy as np
from scipy.special import softmax
from sklearn.metrics import log_loss

labels = np.array([0, 2, 1])
logits = np.array([[2.0, 1.0, 0.1], [0.5, 0.3, 2.2], [1.2, 0.8, -0.5]])
# Log_loss takes probabilities, never logits
probabilities = softmax(logits, axis=1)
result = log_loss(labels, probabilities, labels=[0, 1, 2])
print(result)
