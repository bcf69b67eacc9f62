import torch
import torch.nn.functional as F

anchor = torch.tensor([[0.0, 0.0], [1.0, 1.0]], dtype=torch.float64)
positive = torch.tensor([[3.0, 4.0], [1.5, 1.0]], dtype=torch.float64)
negative = torch.tensor([[6.0, 8.0], [1.0, 1.8]], dtype=torch.float64)
result = F.triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2.0).item()
print(result)
