#!/usr/bin/python3
"""Write the PyTorch reference fixture for chapter 6 and appendix E that the Java tests compare with.

Run with Debian's interpreter and Debian's PyTorch (python3-torch, 1.13, CPU), like
scripts/make_fixtures.py, whose GPT classes (re-declared from the book) it imports:

    /usr/bin/python3 scripts/make_finetune_fixtures.py

Output: src/test/resources/fixtures/finetune_torch.json (deterministic; see docs/fixtures.md):

- ``lora_layer``: appendix E's LoRALayer(5, 3, rank=2, alpha=4) after torch.manual_seed(123):
  A (kaiming_uniform_ with a=sqrt(5): fan-in is A.size(1) = rank), and forward(x) once B is set.
- ``classifier``: chapter 6's surgery on a small GPT (seed 123 model, freeze, seed 123
  Linear(emb, 2) head, unfreeze the last block and final_norm), three AdamW steps on the
  last-token cross entropy: losses, the last-token logits after, the head's weight after.
- ``lora_classifier``: the same classifier frozen and wrapped by replace_linear_with_lora
  (rank 2, alpha 4) after torch.manual_seed(456): the trainable count, the first LoRA A matrix,
  three AdamW steps' losses.

Floats are written as Python floats of the float32 values (exact).
"""

import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

from make_fixtures import GPTModel, gpt_config, ensure_reference_blas, loaded_blas  # noqa: E402

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(REPO_ROOT, "src", "test", "resources", "fixtures", "finetune_torch.json")


class LoRALayer(nn.Module):
    def __init__(self, in_dim, out_dim, rank, alpha):
        super().__init__()
        self.A = nn.Parameter(torch.empty(in_dim, rank))
        nn.init.kaiming_uniform_(self.A, a=math.sqrt(5))
        self.B = nn.Parameter(torch.zeros(rank, out_dim))
        self.alpha = alpha
        self.rank = rank

    def forward(self, x):
        return (self.alpha / self.rank) * (x @ self.A @ self.B)


class LinearWithLoRA(nn.Module):
    def __init__(self, linear, rank, alpha):
        super().__init__()
        self.linear = linear
        self.lora = LoRALayer(linear.in_features, linear.out_features, rank, alpha)

    def forward(self, x):
        return self.linear(x) + self.lora(x)


def replace_linear_with_lora(model, rank, alpha):
    for name, module in model.named_children():
        if isinstance(module, nn.Linear):
            setattr(model, name, LinearWithLoRA(module, rank, alpha))
        else:
            replace_linear_with_lora(module, rank, alpha)


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


CFG = gpt_config(300, 16, 8, 2, 2, 0.0, True)


def classifier():
    torch.manual_seed(123)
    model = GPTModel(CFG)
    for p in model.parameters():
        p.requires_grad = False
    torch.manual_seed(123)
    model.out_head = nn.Linear(CFG["emb_dim"], 2)
    for p in model.trf_blocks[-1].parameters():
        p.requires_grad = True
    for p in model.final_norm.parameters():
        p.requires_grad = True
    return model


def train(model, inputs, labels, steps):
    opt = torch.optim.AdamW(model.parameters(), lr=1e-2, weight_decay=0.1)
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(inputs)[:, -1, :], labels)
        loss.backward()
        opt.step()
        losses.append(float(loss.item()))
    return losses


def main():
    torch.set_num_threads(1)
    out = {"generator": "scripts/make_finetune_fixtures.py", "torch_version": torch.__version__,
           "config": dict(CFG)}

    torch.manual_seed(123)
    layer = LoRALayer(5, 3, 2, 4)
    a = flat(layer.A)
    with torch.no_grad():
        layer.B.copy_(torch.arange(6, dtype=torch.float32).reshape(2, 3) * 0.1)
    x = torch.linspace(-1, 1, 10).reshape(2, 5)
    out["lora_layer"] = {"A": a, "x": flat(x), "out": flat(layer(x))}

    torch.manual_seed(7)
    inputs = torch.randint(0, CFG["vocab_size"], (4, 10))
    labels = torch.tensor([0, 1, 1, 0])
    out["inputs"] = [int(v) for v in inputs.reshape(-1).tolist()]
    out["labels"] = [int(v) for v in labels.tolist()]

    model = classifier()
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    losses = train(model, inputs, labels, 3)
    with torch.no_grad():
        logits = model(inputs)[:, -1, :]
    out["classifier"] = {"trainable": trainable, "losses": losses, "logits_after": flat(logits),
                         "head_weight_after": flat(model.out_head.weight)}

    model = classifier()
    for p in model.parameters():
        p.requires_grad = False
    torch.manual_seed(456)
    replace_linear_with_lora(model, rank=2, alpha=4)
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    first_a = flat(model.trf_blocks[0].att.W_query.lora.A)
    head_a = flat(model.out_head.lora.A)
    losses = train(model, inputs, labels, 3)
    out["lora_classifier"] = {"trainable": trainable, "first_A": first_a, "head_A": head_a, "losses": losses}
    out["blas"] = loaded_blas()

    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print("wrote", OUT, os.path.getsize(OUT), "bytes")


if __name__ == "__main__":
    ensure_reference_blas()
    main()
