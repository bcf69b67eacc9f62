import torch
import torch.nn.functional as F

y_true = torch.tensor([3.0, -0.5, 2.0, 7.0, 4.0], dtype=torch.float64)
y_pred = torch.tensor([2.5, 0.0, 2.0, 8.0, 1.5], dtype=torch.float64)
# No RMSE loss: take the root
result = torch.sqrt(F.mse_loss(y_pred, y_true)).item()
print(result)
