from sklearn.metrics import log_loss

y_true = [1]  # class labels, not one-hot rows
q = [[0.05, 0.8, 0.1, 0.05]]  # one row of predicted probabilities per sample
result = log_loss(y_true, q, labels=[0, 1, 2, 3])
print(result)
