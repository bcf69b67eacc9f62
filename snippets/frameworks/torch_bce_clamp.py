import torch
import torch.nn.functional as F

y_true = torch.tensor([1.0, 0.0, 1.0, 0.0], dtype=torch.float64)
p_pred = torch.tensor([0.0, 0.2, 0.6, 0.3], dtype=torch.float64)  # 0 for a 1
# Each log is clamped at -100, so the first example costs 100 nats
result = F.binary_cross_entropy(p_pred, y_true).item()
print(result)
