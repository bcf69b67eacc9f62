import torch
import torch.nn.functional as F

p = torch.tensor([[0.5, 0.3, 0.2], [0.1, 0.6, 0.3]], dtype=torch.float64)
q = torch.tensor([[0.4, 0.4, 0.2], [0.2, 0.5, 0.3]], dtype=torch.float64)
# WRONG: the truth p in the prediction's place computes D(q || p)
result = F.kl_div(torch.log(p), q, reduction="batchmean").item()
print(result)
