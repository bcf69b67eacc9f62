import torch
import torch.nn.functional as F

p = torch.tensor([[0.5, 0.3, 0.2], [0.1, 0.6, 0.3]], dtype=torch.float64)
q = torch.tensor([[0.4, 0.4, 0.2], [0.2, 0.5, 0.3]], dtype=torch.float64)
# WRONG: kl_div expects log q; given q it computes sum p * (log p - q)
result = F.kl_div(q, p, reduction="batchmean").item()
print(result)
