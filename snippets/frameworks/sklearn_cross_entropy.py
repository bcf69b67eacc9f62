from sklearn.metrics import log_loss

y_true = [1]  # class labels, not one-hot rows
q = [[0.1, 0.6, 0.2, 0.1]]  # one row of predicted probabilities per sample
result = log_loss(y_true, q, labels=[0, 1, 2, 3])
print(result)
