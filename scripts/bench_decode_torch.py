#!/usr/bin/python3
"""PyTorch's GPT-2 decoding speed with a KV cache, the yardstick of docs/benchmarks.md's
"Decoding" section.

The book's GPTModel (124M by default: emb 768, 12 layers, 12 heads, no qkv bias, untied head)
written out here with a key/value cache that grows by torch.cat, as the book's bonus KV-cache
code does; random weights (speed does not depend on the values). For each thread count it times
the prompt (one forward over 200 tokens into an empty cache) and 49 single-token steps
(greedy), which make 50 new tokens; it prints medians over the rounds as JSON lines, plus the
OpenBLAS core in use.

Run it with Debian's python3 and OpenBLAS's OpenMP build, with OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE unset (the environment may set them to slower values):
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 scripts/bench_decode_torch.py --threads 1 2
"""
import argparse
import ctypes
import json
import math
import statistics
import time

import torch
import torch.nn as nn


class Block(nn.Module):
    def __init__(self, e, heads):
        super().__init__()
        self.heads, self.hd = heads, e // heads
        self.norm1, self.norm2 = nn.LayerNorm(e, eps=1e-5), nn.LayerNorm(e, eps=1e-5)
        self.wq, self.wk, self.wv = (nn.Linear(e, e, bias=False) for _ in range(3))
        self.out = nn.Linear(e, e)
        self.fc1, self.fc2 = nn.Linear(e, 4 * e), nn.Linear(4 * e, e)

    def forward(self, x, cache):
        b, t, e = x.shape
        h = self.norm1(x)
        q = self.wq(h).view(b, t, self.heads, self.hd).transpose(1, 2)
        k = self.wk(h).view(b, t, self.heads, self.hd).transpose(1, 2)
        v = self.wv(h).view(b, t, self.heads, self.hd).transpose(1, 2)
        if cache[0] is not None:
            k = torch.cat([cache[0], k], dim=2)
            v = torch.cat([cache[1], v], dim=2)
        cache[0], cache[1] = k, v
        n = k.shape[2]
        s = q @ k.transpose(2, 3) / math.sqrt(self.hd)
        if t > 1:  # causal mask for the prompt's rows
            mask = torch.ones(t, n, dtype=torch.bool).triu(n - t + 1)
            s = s.masked_fill(mask, float("-inf"))
        a = (torch.softmax(s, dim=-1) @ v).transpose(1, 2).reshape(b, t, e)
        x = x + self.out(a)
        return x + self.fc2(nn.functional.gelu(self.fc1(self.norm2(x)), approximate="tanh"))


class GPT(nn.Module):
    def __init__(self, vocab, ctx, e, layers, heads):
        super().__init__()
        self.tok, self.pos = nn.Embedding(vocab, e), nn.Embedding(ctx, e)
        self.blocks = nn.ModuleList(Block(e, heads) for _ in range(layers))
        self.norm = nn.LayerNorm(e, eps=1e-5)
        self.head = nn.Linear(e, vocab, bias=False)

    def forward(self, idx, caches, past):
        t = idx.shape[1]
        x = self.tok(idx) + self.pos(torch.arange(past, past + t))
        for blk, c in zip(self.blocks, caches):
            x = blk(x, c)
        return self.head(self.norm(x[:, -1:, :]))  # the last position's logits


def openblas_core():
    for name in ("libblas.so.3", "libopenblas.so.0"):
        try:
            lib = ctypes.CDLL(name)
            f = lib.openblas_get_corename
            f.restype = ctypes.c_char_p
            return f().decode()
        except (OSError, AttributeError):
            continue
    return "unknown"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--prompt", type=int, default=200)
    ap.add_argument("--new", type=int, default=50)
    ap.add_argument("--ctx", type=int, default=256)
    ap.add_argument("--size", default="124M", choices=["124M", "355M"])
    a = ap.parse_args()
    e, layers, heads = {"124M": (768, 12, 12), "355M": (1024, 24, 16)}[a.size]
    torch.manual_seed(123)
    model = GPT(50257, a.ctx, e, layers, heads).eval()
    prompt = torch.randint(0, 50257, (1, a.prompt))
    print(json.dumps({"torch": torch.__version__, "openblas_core": openblas_core(), "size": a.size}))
    for th in a.threads:
        torch.set_num_threads(th)
        pre, dec = [], []
        for r in range(a.rounds + 1):  # round 0 warms up
            caches = [[None, None] for _ in range(layers)]
            with torch.inference_mode():
                t0 = time.perf_counter()
                logits = model(prompt, caches, 0)
                t1 = time.perf_counter()
                nxt = logits.argmax(-1)
                for i in range(a.new - 1):
                    logits = model(nxt, caches, a.prompt + i)
                    nxt = logits.argmax(-1)
                t2 = time.perf_counter()
            if r > 0:
                pre.append(a.prompt / (t1 - t0))
                dec.append((a.new - 1) / (t2 - t1))
        print(json.dumps({"threads": th, "prompt_tok_s": round(statistics.median(pre), 1),
                          "decode_tok_s": round(statistics.median(dec), 2),
                          "decode_all": [round(d, 1) for d in dec]}), flush=True)


if __name__ == "__main__":
    main()
