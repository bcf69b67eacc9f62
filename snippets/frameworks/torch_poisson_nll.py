import torch
import torch.nn.functional as F

counts = torch.tensor([2.0, 0.0, 5.0, 1.0], dtype=torch.float64)
log_rates = torch.tensor([0.5, -1.0, 1.5, 0.0], dtype=torch.float64)
result = F.poisson_nll_loss(log_rates, counts, log_input=True, full=True).item()
print(result)
