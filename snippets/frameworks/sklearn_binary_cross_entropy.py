from sklearn.metrics import log_loss

y_true = [1, 0, 1, 0]
# For two classes: the probability of the label 1
p_pred = [0.9, 0.2, 0.6, 0.3]
result = log_loss(y_true, p_pred)
print(result)
