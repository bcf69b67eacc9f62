import torch
import torch.nn.functional as F

y_true = torch.tensor([1.0, 2.0, 3.5], dtype=torch.float64)
mean = torch.tensor([1.5, 2.0, 3.0], dtype=torch.float64)
var = torch.tensor([0.25, 1.0, 0.5], dtype=torch.float64)
result = F.gaussian_nll_loss(mean, y_true, var, full=True).item()  # mean first
print(result)
