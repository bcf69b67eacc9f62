import torch
import torch.nn.functional as F

y_true = torch.tensor([1.0, 0.0, 1.0, 0.0], dtype=torch.float64)
p_pred = torch.tensor([0.9, 0.2, 0.6, 0.3], dtype=torch.float64)
result = F.binary_cross_entropy(p_pred, y_true).item()  # prediction first
print(result)
