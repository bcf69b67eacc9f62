import torch
import torch.nn.functional as F

X = torch.tensor([[1.0, 2.0], [0.5, -1.0], [-1.5, 0.5], [2.0, 1.0]], dtype=torch.float64)
y = torch.tensor([2, 1, 0, 2])
W = torch.tensor([[0.2, -0.1, 0.4], [0.3, 0.5, -0.2]], dtype=torch.float64, requires_grad=True)
b = torch.tensor([0.1, 0.0, -0.1], dtype=torch.float64, requires_grad=True)

loss = F.cross_entropy(X @ W + b, y)  # forward: logits, then the mean cross-entropy
loss.backward()  # backward: fills W.grad and b.grad by the chain rule
print(W.grad)
print(b.grad)
result = loss.item()
