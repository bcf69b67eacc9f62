import torch
import torch.nn.functional as F

# Measured temperatures in °C (the last one faulty) and a model's predictions
f64 = torch.float64
y_true = torch.tensor([20.0, 21.5, 19.0, 22.0, 18.5, 20.5, 29.0], dtype=f64)
y_pred = torch.tensor([20.4, 21.0, 19.3, 22.6, 20.0, 20.1, 21.0], dtype=f64)
beta = 2.0
smooth_l1 = F.smooth_l1_loss(y_pred, y_true, beta=beta).item()
huber = F.huber_loss(y_pred, y_true, delta=beta).item()
result = beta * smooth_l1  # the Huber loss with delta = beta
print(f"smooth_l1 = {smooth_l1!r}")
print(f"beta * smooth_l1 = {result!r}, huber = {huber!r}")
