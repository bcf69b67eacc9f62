import math

import torch
from torch.distributions import Categorical

p = torch.tensor([0.5, 0.25, 0.125, 0.125], dtype=torch.float64)
nats = Categorical(probs=p).entropy().item()  # always nats
result = nats / math.log(2)  # in bits
print(result)
