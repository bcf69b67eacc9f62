import torch
import torch.nn.functional as F

x1 = torch.tensor([0.8, 0.3, 0.4], dtype=torch.float64)
x2 = torch.tensor([0.5, 0.1, 0.9], dtype=torch.float64)
y = torch.tensor([1.0, -1.0, 1.0], dtype=torch.float64)  # the labels come last
result = F.margin_ranking_loss(x1, x2, y, margin=0.5).item()
print(result)
