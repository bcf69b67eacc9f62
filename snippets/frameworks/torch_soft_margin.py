import torch
import torch.nn.functional as F

scores = torch.tensor([0.3, -2.0, 1.5, 0.8], dtype=torch.float64)
y_true = torch.tensor([1.0, -1.0, 1.0, -1.0], dtype=torch.float64)
result = F.soft_margin_loss(scores, y_true).item()
print(result)
