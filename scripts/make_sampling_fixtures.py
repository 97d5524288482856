#!/usr/bin/python3
"""Writes src/test/resources/fixtures/sampling.json: seeded draws of PyTorch for the inference
path's Sampler (dev.scratchllm.infer.SamplerTest).

Each case is a row of random logits, sampling settings and the earlier tokens; the logits are
processed as Hugging Face's logits processors do (repetition penalty, then temperature, top-k,
top-p as TopPLogitsWarper: sort ascending, softmax, cumsum, drop cumulative <= 1 - top_p, keep
the largest), written out here with torch ops, then torch.manual_seed(seed) and twenty
torch.multinomial(probs, 1) draws in a row. The fixture stores the logits, the settings, the
ids that survive the filters and the draws. Run with Debian's python3 (torch 1.13):
    /usr/bin/python3 scripts/make_sampling_fixtures.py src/test/resources/fixtures/sampling.json
"""
import json
import sys

import torch


def process(logits, temperature, top_k, top_p, penalty, history):
    s = logits.clone()
    if penalty != 1.0 and history:
        h = torch.tensor(history)
        g = torch.gather(s, 0, h)
        g = torch.where(g < 0, g * penalty, g / penalty)
        s = s.scatter(0, h, g)
    if temperature == 0:
        return s, None
    if top_k > 0:
        thr = torch.topk(s, top_k).values[-1]
        s = s.masked_fill(s < thr, float("-inf"))
    s = s / temperature
    if top_p < 1.0:
        sorted_logits, sorted_idx = torch.sort(s, descending=False)
        cum = sorted_logits.softmax(dim=-1).cumsum(dim=-1)
        remove = cum <= (1 - top_p)
        remove[-1:] = False  # keep at least the most likely token
        s = s.masked_fill(remove.scatter(0, sorted_idx, remove), float("-inf"))
    return s, torch.softmax(s, dim=-1)


def main():
    out = sys.argv[1]
    cases = []
    settings = [  # temperature, top_k, top_p, repetition_penalty
        (1.0, 0, 0.9, 1.0), (0.7, 0, 0.5, 1.0), (1.3, 0, 0.95, 1.0), (1.0, 10, 0.8, 1.0),
        (0.8, 0, 0.3, 1.0), (1.0, 0, 1.0, 1.3), (0.9, 20, 0.9, 1.2), (0.0, 0, 1.0, 1.5),
        (1.0, 5, 1.0, 1.0), (2.0, 0, 0.99, 1.1),
    ]
    gen = torch.Generator().manual_seed(2024)
    for i, (t, k, p, pen) in enumerate(settings):
        vocab = 50 if i % 2 == 0 else 333
        logits = (torch.randn(vocab, generator=gen) * 3).float()
        history = torch.randint(0, vocab, (12,), generator=gen).tolist()
        s, probs = process(logits, t, k, p, pen, history)
        seed = 1000 + i
        torch.manual_seed(seed)
        if probs is None:
            draws = [int(s.argmax())]
            kept = list(range(vocab))
        else:
            draws = [int(torch.multinomial(probs, 1)) for _ in range(20)]
            kept = [j for j in range(vocab) if s[j] != float("-inf")]
        cases.append({"temperature": t, "top_k": k, "top_p": p, "repetition_penalty": pen, "seed": seed,
                      "history": history, "logits": [float(v) for v in logits], "kept": kept, "draws": draws})
    with open(out, "w") as f:
        json.dump({"source": "scripts/make_sampling_fixtures.py", "torch": torch.__version__, "cases": cases}, f)
        f.write("\n")


if __name__ == "__main__":
    main()
