"""PyTorch's side of the model cases (bench/training.ts), used by bench/peers/torch.py, and the
models of bench/peers/torch_train.py (Fashion-MNIST).

The same networks as tessera's, as nn.Sequential (so parameter names match: '0.weight', ...),
trained with the plain loop: zero_grad(set_to_none=True), forward, cross_entropy, backward, Adam
step. Inference runs in eval mode under torch.inference_mode().
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


def build_model(arch):
    """The network of `arch` ('mlp' on (N, 784), 'cnn' on (N, 1, 28, 28)), PyTorch's default init."""
    if arch == "mlp":
        return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
    if arch == "cnn":
        return nn.Sequential(
            nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),   # (N, 32, 13, 13)
            nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),  # (N, 64, 5, 5)
            nn.Flatten(), nn.Linear(1600, 10),
        )
    raise NotImplementedError(f"torch peer: unknown model {arch!r}")


def prepare_model_case(case, inputs):
    """Returns (call, outputs) for a 'train' or 'infer' case; inputs hold x, y and 'p:<name>' weights."""
    m = case["model"]
    model = build_model(m["arch"])
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.copy_(inputs[f"p:{name}"])
    x = inputs["x"]
    if not m["train"]:
        model.eval()

        def forward():
            with torch.inference_mode():
                return model(x)

        return forward, lambda: [forward()]

    y = inputs["y"].long()
    opt = torch.optim.Adam(model.parameters(), lr=m["lr"], betas=(0.9, 0.999), eps=1e-8)
    model.train()

    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss

    def first_step():
        """The loss and gradients of a step from the shared initial weights (then the update)."""
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        out = [loss.detach()] + [p.grad.clone() for p in model.parameters()]
        opt.step()
        return out

    return step, first_step
