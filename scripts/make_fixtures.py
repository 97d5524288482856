#!/usr/bin/python3
"""Write the PyTorch reference fixtures that ScratchLLM's Java tests compare with.

Run with Debian's interpreter and Debian's PyTorch (python3-torch, 1.13, CPU):

    /usr/bin/python3 scripts/make_fixtures.py

Output: src/test/resources/fixtures/{mlp,tiny_gpt,tiny_gpt_qkvbias,ops,gpt2_layout,
gpt2_layout_logits,book_gpt_state,book_gpt_logits,java_gpt_logits}.safetensors (see
docs/fixtures.md for what each holds). It also reads java_gpt_state.safetensors, which
ScratchLLM writes (docs/fixtures.md says how), and records PyTorch's logits for it. The output is deterministic: running
the script twice gives byte-identical files. Tests and CI never run this script;
the fixtures are committed.

Only the standard library, torch and numpy are used. PyTorch 1.13 has no
safetensors support, so the files are written by hand (``write_safetensors``)
and read back by an independent little reader (``read_safetensors``) as a check.
"""

import hashlib
import json
import math
import os
import struct
import sys
from collections import OrderedDict

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(REPO_ROOT, "src", "test", "resources", "fixtures")
SCRIPT = "scripts/make_fixtures.py"

MAX_FILE_BYTES = 1 << 20        # every fixture stays under 1 MiB
MAX_TOTAL_BYTES = 5 << 20       # and all of them together under 5 MiB


###############################################################################
# The book's modules, re-declared here so the script is self-contained.
#
# Origin: S. Raschka, "Build a Large Language Model (From Scratch)", Manning
# 2024, code at https://github.com/rasbt/LLMs-from-scratch (Apache-2.0):
#   - NeuralNetwork: appendix A (appendix-A/01_main-chapter-code,
#     pkg/llms_from_scratch/appendix_a.py)
#   - MultiHeadAttention: chapter 3; LayerNorm, GELU, FeedForward,
#     TransformerBlock, GPTModel: chapter 4 (ch04/01_main-chapter-code/gpt.py,
#     also ch05's previous_chapters.py)
#   - calc_loss_batch: chapter 5 (ch05/01_main-chapter-code)
# Written out again for this script: same submodule names and creation order
# (so the state-dict keys and the seeded initialisation are the book's), and
# the same tensor operations in the same order (so the float32 rounding is the
# book's).
###############################################################################

class NeuralNetwork(nn.Module):
    """Appendix A: two hidden layers (30 and 20 units) with ReLU."""

    def __init__(self, num_inputs, num_outputs):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(num_inputs, 30),   # 1st hidden layer
            nn.ReLU(),
            nn.Linear(30, 20),           # 2nd hidden layer
            nn.ReLU(),
            nn.Linear(20, num_outputs),  # output layer
        )

    def forward(self, x):
        return self.layers(x)


class MultiHeadAttention(nn.Module):
    """Chapter 3: causal multi-head attention with a float32 mask buffer."""

    def __init__(self, d_in, d_out, context_length, dropout, num_heads, qkv_bias=False):
        super().__init__()
        assert d_out % num_heads == 0, "d_out must be divisible by num_heads"
        self.d_out = d_out
        self.num_heads = num_heads
        self.head_dim = d_out // num_heads
        self.W_query = nn.Linear(d_in, d_out, bias=qkv_bias)
        self.W_key = nn.Linear(d_in, d_out, bias=qkv_bias)
        self.W_value = nn.Linear(d_in, d_out, bias=qkv_bias)
        self.out_proj = nn.Linear(d_out, d_out)
        self.dropout = nn.Dropout(dropout)
        # float32 buffer of ones above the diagonal (it is in the state dict)
        self.register_buffer(
            "mask", torch.triu(torch.ones(context_length, context_length), diagonal=1))

    def forward(self, x):
        b, num_tokens, d_in = x.shape
        keys = self.W_key(x)
        queries = self.W_query(x)
        values = self.W_value(x)

        # (b, T, d_out) -> (b, T, heads, head_dim) -> (b, heads, T, head_dim)
        keys = keys.view(b, num_tokens, self.num_heads, self.head_dim).transpose(1, 2)
        queries = queries.view(b, num_tokens, self.num_heads, self.head_dim).transpose(1, 2)
        values = values.view(b, num_tokens, self.num_heads, self.head_dim).transpose(1, 2)

        attn_scores = queries @ keys.transpose(2, 3)
        mask_bool = self.mask.bool()[:num_tokens, :num_tokens]
        attn_scores.masked_fill_(mask_bool, -torch.inf)
        attn_weights = torch.softmax(attn_scores / keys.shape[-1] ** 0.5, dim=-1)
        attn_weights = self.dropout(attn_weights)

        # (b, heads, T, head_dim) -> (b, T, heads, head_dim) -> (b, T, d_out)
        context_vec = (attn_weights @ values).transpose(1, 2)
        context_vec = context_vec.contiguous().view(b, num_tokens, self.d_out)
        return self.out_proj(context_vec)


class LayerNorm(nn.Module):
    """Chapter 4: scale * (x - mean) / sqrt(biased var + 1e-5) + shift."""

    def __init__(self, emb_dim):
        super().__init__()
        self.eps = 1e-5
        self.scale = nn.Parameter(torch.ones(emb_dim))
        self.shift = nn.Parameter(torch.zeros(emb_dim))

    def forward(self, x):
        mean = x.mean(dim=-1, keepdim=True)
        var = x.var(dim=-1, keepdim=True, unbiased=False)
        norm_x = (x - mean) / torch.sqrt(var + self.eps)
        return self.scale * norm_x + self.shift


class GELU(nn.Module):
    """Chapter 4: the tanh approximation of GELU."""

    def forward(self, x):
        return 0.5 * x * (1 + torch.tanh(
            torch.sqrt(torch.tensor(2.0 / torch.pi)) * (x + 0.044715 * torch.pow(x, 3))))


class FeedForward(nn.Module):
    """Chapter 4: Linear(E, 4E) -> GELU -> Linear(4E, E)."""

    def __init__(self, cfg):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(cfg["emb_dim"], 4 * cfg["emb_dim"]),
            GELU(),
            nn.Linear(4 * cfg["emb_dim"], cfg["emb_dim"]),
        )

    def forward(self, x):
        return self.layers(x)


class TransformerBlock(nn.Module):
    """Chapter 4: pre-LayerNorm block with two shortcut connections."""

    def __init__(self, cfg):
        super().__init__()
        self.att = MultiHeadAttention(
            d_in=cfg["emb_dim"], d_out=cfg["emb_dim"],
            context_length=cfg["context_length"], num_heads=cfg["n_heads"],
            dropout=cfg["drop_rate"], qkv_bias=cfg["qkv_bias"])
        self.ff = FeedForward(cfg)
        self.norm1 = LayerNorm(cfg["emb_dim"])
        self.norm2 = LayerNorm(cfg["emb_dim"])
        self.drop_shortcut = nn.Dropout(cfg["drop_rate"])

    def forward(self, x):
        shortcut = x
        x = self.drop_shortcut(self.att(self.norm1(x)))
        x = x + shortcut
        shortcut = x
        x = self.drop_shortcut(self.ff(self.norm2(x)))
        x = x + shortcut
        return x


class GPTModel(nn.Module):
    """Chapter 4: embeddings -> blocks -> final norm -> untied output head."""

    def __init__(self, cfg):
        super().__init__()
        self.tok_emb = nn.Embedding(cfg["vocab_size"], cfg["emb_dim"])
        self.pos_emb = nn.Embedding(cfg["context_length"], cfg["emb_dim"])
        self.drop_emb = nn.Dropout(cfg["drop_rate"])
        self.trf_blocks = nn.Sequential(
            *[TransformerBlock(cfg) for _ in range(cfg["n_layers"])])
        self.final_norm = LayerNorm(cfg["emb_dim"])
        self.out_head = nn.Linear(cfg["emb_dim"], cfg["vocab_size"], bias=False)

    def forward(self, in_idx):
        batch_size, seq_len = in_idx.shape
        tok_embeds = self.tok_emb(in_idx)
        pos_embeds = self.pos_emb(torch.arange(seq_len, device=in_idx.device))
        x = tok_embeds + pos_embeds
        x = self.drop_emb(x)
        x = self.trf_blocks(x)
        x = self.final_norm(x)
        return self.out_head(x)


def calc_loss_batch(input_batch, target_batch, model):
    """Chapter 5: mean cross entropy over all positions (ignore_index -100)."""
    logits = model(input_batch)
    return F.cross_entropy(logits.flatten(0, 1), target_batch.flatten())


###############################################################################
# safetensors, by hand
###############################################################################

_DTYPES = {torch.float32: ("F32", "<f4"), torch.int64: ("I64", "<i8")}
_NP_DTYPES = {"F32": "<f4", "I64": "<i8", "U8": "u1"}


def write_safetensors(path, tensors, metadata):
    """Write tensors (an ordered name -> tensor map) and string metadata.

    Layout: u64 little-endian header length N, N bytes of JSON (ASCII, compact,
    padded with spaces to a multiple of 8), then the tensors' little-endian
    bytes, back to back, in header order. "__metadata__" comes first in the
    header. Only float32 (F32) and int64 (I64) are written.
    """
    header = OrderedDict()
    header["__metadata__"] = OrderedDict((str(k), str(v)) for k, v in metadata.items())
    blobs = []
    offset = 0
    for name, t in tensors.items():
        t = t.detach().cpu().contiguous()
        if t.dtype not in _DTYPES:
            raise TypeError(f"{name}: dtype {t.dtype} is not written (F32/I64 only)")
        code, np_dtype = _DTYPES[t.dtype]
        data = t.numpy().astype(np_dtype, copy=False).tobytes(order="C")
        header[name] = OrderedDict([
            ("dtype", code),
            ("shape", list(t.shape)),
            ("data_offsets", [offset, offset + len(data)]),
        ])
        blobs.append(data)
        offset += len(data)
    header_bytes = json.dumps(header, separators=(",", ":"), ensure_ascii=True).encode("ascii")
    header_bytes += b" " * (-len(header_bytes) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(header_bytes)))
        f.write(header_bytes)
        for data in blobs:
            f.write(data)
    os.replace(tmp, path)


def read_safetensors(path):
    """Independent reader used to check what was written: (tensors, metadata)."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    assert n % 8 == 0 and 8 + n <= len(raw), "bad header length"
    header = json.loads(raw[8:8 + n].decode("ascii"), object_pairs_hook=OrderedDict)
    body = raw[8 + n:]
    metadata = header.pop("__metadata__", {})
    out = OrderedDict()
    expected = 0
    for name, info in header.items():
        begin, end = info["data_offsets"]
        assert begin == expected, f"{name}: tensors are not back to back"
        dt = np.dtype(_NP_DTYPES[info["dtype"]])
        count = int(np.prod(info["shape"], dtype=np.int64))
        assert end - begin == count * dt.itemsize, f"{name}: size does not match shape"
        out[name] = np.frombuffer(body[begin:end], dtype=dt).reshape(info["shape"])
        expected = end
    assert expected == len(body), "trailing bytes after the last tensor"
    return out, metadata


###############################################################################
# helpers
###############################################################################

def f32_hex(x):
    """The float32 nearest x, as C99 hex (exact, unambiguous in metadata)."""
    return float(np.float32(x)).hex()


def common_metadata(description, seed):
    return OrderedDict([
        ("format", "pt"),
        ("generator", SCRIPT),
        ("torch_version", torch.__version__),
        ("numpy_version", np.__version__),
        ("dtype", "float32 (ids and targets int64)"),
        ("num_threads", str(torch.get_num_threads())),
        ("description", description),
        ("seed", str(seed)),
    ])


def snapshot(prefix, named):
    return OrderedDict((prefix + n, t.detach().clone()) for n, t in named)


def grads(prefix, model):
    out = OrderedDict()
    for n, p in model.named_parameters():
        g = p.grad if p.grad is not None else torch.zeros_like(p)
        out[prefix + n] = g.detach().clone()
    return out


def adamw_state(prefix, opt, model):
    out = OrderedDict()
    for n, p in model.named_parameters():
        st = opt.state[p]
        out[prefix + "exp_avg." + n] = st["exp_avg"].detach().clone()
        out[prefix + "exp_avg_sq." + n] = st["exp_avg_sq"].detach().clone()
    return out


def adamw_unstable(model, threshold=1e-7):
    """Names of parameters with a gradient element of noise size (0 < |g| < 1e-7).

    AdamW's first step moves an element by lr * g / (|g| + eps), eps 1e-8: for
    such an element the move is decided by float32 rounding noise, not by the
    model. Example: the key bias (qkv_bias=True), whose exact gradient is zero
    because softmax ignores a constant added to every score of a row."""
    names = []
    for n, p in model.named_parameters():
        g = p.grad
        if g is not None and bool(((g != 0) & (g.abs() < threshold)).any()):
            names.append(n)
    return names


###############################################################################
# 1. appendix A's NeuralNetwork
###############################################################################

MLP_SEED = 123
MLP_ADAMW = dict(lr=1e-3, weight_decay=0.1)     # betas (0.9, 0.999), eps 1e-8
MLP_SGD = dict(lr=0.1, momentum=0.9)            # dampening 0, no nesterov, wd 0


def make_mlp():
    torch.manual_seed(MLP_SEED)
    model = NeuralNetwork(num_inputs=5, num_outputs=3)
    x = torch.rand(4, 5)
    y = torch.randint(0, 3, (4,))
    init = OrderedDict((n, t.detach().clone()) for n, t in model.state_dict().items())
    model.train()

    tensors = OrderedDict()
    tensors.update(("init." + n, t) for n, t in init.items())
    tensors["x"] = x
    tensors["y"] = y

    # AdamW, two steps on the same batch
    opt = torch.optim.AdamW(model.parameters(), **MLP_ADAMW)
    opt.zero_grad()
    out = model(x)
    loss = F.cross_entropy(out, y)
    loss.backward()
    unstable = adamw_unstable(model)
    tensors["out"] = out.detach().clone()
    tensors["loss"] = loss.detach().clone()
    tensors.update(grads("grad.", model))
    opt.step()
    tensors.update(snapshot("adamw.", model.named_parameters()))

    opt.zero_grad()
    loss2 = F.cross_entropy(model(x), y)
    loss2.backward()
    tensors["loss2"] = loss2.detach().clone()
    tensors.update(grads("grad2.", model))
    unstable += [n for n in adamw_unstable(model) if n not in unstable]
    opt.step()
    tensors.update(snapshot("adamw2.", model.named_parameters()))
    tensors.update(adamw_state("adamw2_state.", opt, model))

    # SGD with momentum: a separate copy from the same initial parameters
    sgd_model = NeuralNetwork(num_inputs=5, num_outputs=3)
    sgd_model.load_state_dict(init)
    sgd_model.train()
    sgd = torch.optim.SGD(sgd_model.parameters(), **MLP_SGD)
    for step in (1, 2):
        sgd.zero_grad()
        l = F.cross_entropy(sgd_model(x), y)
        l.backward()
        if step == 1:
            assert torch.equal(l.detach(), loss.detach())
        sgd.step()
        tensors.update(snapshot("sgd." if step == 1 else "sgd2.", sgd_model.named_parameters()))

    meta = common_metadata(
        "Appendix A NeuralNetwork(num_inputs=5, num_outputs=3): "
        "Linear(5,30) ReLU Linear(30,20) ReLU Linear(20,3). "
        "Built after torch.manual_seed(seed); then x = torch.rand(4,5); then "
        "y = torch.randint(0,3,(4,)). model.train(). out = model(x); "
        "loss = F.cross_entropy(out, y) (mean); grad.* after loss.backward(). "
        "adamw.*: after one AdamW step; grad2.*/loss2: gradients/loss at those "
        "parameters on the same batch; adamw2.*: after the second AdamW step; "
        "adamw2_state.exp_avg.*/exp_avg_sq.*: AdamW moments after step 2. "
        "sgd.*/sgd2.*: a separate copy from init.* after one/two SGD steps "
        "(momentum buffer = first gradient, then buf = 0.9*buf + grad).",
        MLP_SEED)
    meta["model"] = "NeuralNetwork(num_inputs=5, num_outputs=3)"
    meta["input_draws"] = "x = torch.rand(4, 5); y = torch.randint(0, 3, (4,))"
    meta["loss"] = "F.cross_entropy(out, y), reduction mean, shape []"
    meta["adamw"] = json.dumps(dict(MLP_ADAMW, betas=[0.9, 0.999], eps=1e-8, amsgrad=False,
                                    foreach=False, steps=2))
    meta["sgd"] = json.dumps(dict(MLP_SGD, dampening=0.0, nesterov=False,
                                  weight_decay=0.0, steps=2))
    meta["adamw_unstable"] = ",".join(unstable)
    return tensors, meta


###############################################################################
# 2. chapter 4's GPTModel, tiny
###############################################################################

GPT_SEED = 123
GPT_ADAMW = dict(lr=4e-4, weight_decay=0.1)     # chapter 5's setting
IGNORED_TARGET = (0, 3)                          # targets[0, 3] = -100


def tiny_config(qkv_bias):
    return OrderedDict([
        ("vocab_size", 50), ("context_length", 8), ("emb_dim", 16), ("n_heads", 4),
        ("n_layers", 2), ("drop_rate", 0.0), ("qkv_bias", qkv_bias),
    ])


def make_tiny_gpt(qkv_bias):
    cfg = tiny_config(qkv_bias)
    torch.manual_seed(GPT_SEED)
    model = GPTModel(cfg)
    input_ids = torch.randint(0, cfg["vocab_size"], (2, cfg["context_length"]))
    targets = torch.randint(0, cfg["vocab_size"], (2, cfg["context_length"]))
    targets[IGNORED_TARGET] = -100
    model.train()   # drop_rate 0: every Dropout is the identity

    tensors = OrderedDict()
    for n, t in model.state_dict().items():
        assert t.dtype == torch.float32, f"{n} is {t.dtype}"
        tensors["init." + n] = t.detach().clone()
    tensors["input_ids"] = input_ids
    tensors["targets"] = targets

    # a few intermediate activations, to localise a mismatch
    acts = OrderedDict()
    hooks = [model.trf_blocks[i].register_forward_hook(
        lambda m, i_, o, k=f"act.trf_blocks.{i}": acts.__setitem__(k, o.detach().clone()))
        for i in range(cfg["n_layers"])]
    hooks.append(model.drop_emb.register_forward_hook(
        lambda m, i_, o: acts.__setitem__("act.emb", o.detach().clone())))
    hooks.append(model.final_norm.register_forward_hook(
        lambda m, i_, o: acts.__setitem__("act.final_norm", o.detach().clone())))

    opt = torch.optim.AdamW(model.parameters(), **GPT_ADAMW)
    opt.zero_grad()
    logits = model(input_ids)
    loss = F.cross_entropy(logits.flatten(0, 1), targets.flatten())
    loss.backward()
    for h in hooks:
        h.remove()
    # check: the book's calc_loss_batch gives the same loss
    with torch.no_grad():
        assert torch.equal(calc_loss_batch(input_ids, targets, model), loss.detach())

    tensors["act.emb"] = acts["act.emb"]
    for i in range(cfg["n_layers"]):
        tensors[f"act.trf_blocks.{i}"] = acts[f"act.trf_blocks.{i}"]
    tensors["act.final_norm"] = acts["act.final_norm"]
    tensors["logits"] = logits.detach().clone()
    tensors["loss"] = loss.detach().clone()
    tensors.update(grads("grad.", model))
    unstable = adamw_unstable(model)
    opt.step()
    tensors.update(snapshot("adamw.", model.named_parameters()))

    name = "GPTModel" + (" with qkv_bias" if qkv_bias else "")
    meta = common_metadata(
        f"Chapter 4 {name}, tiny config. Built after torch.manual_seed(seed); then "
        "input_ids = torch.randint(0, vocab_size, (2, context_length)); then "
        "targets = torch.randint(0, vocab_size, (2, context_length)); "
        f"targets[{IGNORED_TARGET[0]}, {IGNORED_TARGET[1]}] = -100. model.train() "
        "(drop_rate 0, dropout is the identity). init.*: state_dict() incl. the "
        "float32 attention mask buffers. logits = model(input_ids); loss = "
        "F.cross_entropy(logits.flatten(0,1), targets.flatten()) (chapter 5 "
        "calc_loss_batch, ignore_index -100, mean over 15 targets). act.*: "
        "outputs of drop_emb (tok+pos embeddings), each trf_blocks.i, final_norm. "
        "grad.*: after loss.backward(). adamw.*: parameters after one AdamW step.",
        GPT_SEED)
    meta["config"] = json.dumps(cfg)
    meta["input_draws"] = ("input_ids = torch.randint(0, 50, (2, 8)); "
                           "targets = torch.randint(0, 50, (2, 8))")
    meta["ignored_target"] = json.dumps(list(IGNORED_TARGET))
    meta["loss"] = "F.cross_entropy(logits.flatten(0, 1), targets.flatten()), mean, shape []"
    meta["mask_dtype"] = "F32 (the book's buffer is torch.triu(torch.ones(T, T), 1), float32)"
    meta["adamw"] = json.dumps(dict(GPT_ADAMW, betas=[0.9, 0.999], eps=1e-8, amsgrad=False,
                                    foreach=False, steps=1))
    meta["adamw_unstable"] = ",".join(unstable)
    return tensors, meta


###############################################################################
# 3. per-op references
###############################################################################

def book_layer_norm(x, scale, shift, eps=1e-5):
    mean = x.mean(dim=-1, keepdim=True)
    var = x.var(dim=-1, keepdim=True, unbiased=False)
    return scale * (x - mean) / torch.sqrt(var + eps) + shift


def book_gelu(x):
    return GELU()(x)


def _causal_softmax(s):
    mask = torch.triu(torch.ones(s.shape[-1], s.shape[-1]), diagonal=1).bool()
    return torch.softmax(s.masked_fill(mask, -torch.inf), dim=-1)


def _view_chain(x):
    b, h, t, d = x.shape
    return x.transpose(1, 2).contiguous().view(b, t, h * d)


def _cross_entropy_inputs():
    logits = torch.randn(5, 7)
    target = torch.randint(0, 7, (5,))
    target[2] = -100
    return [logits, target]


def _embedding_inputs():
    weight = torch.randn(6, 4)
    idx = torch.tensor([[1, 3, 1], [5, 0, 1]])   # repeats: gradients accumulate
    return [idx, weight]


# name, seed, call (for the record), inputs factory, function of the inputs.
# Inputs are drawn in list order after torch.manual_seed(seed); then
# w = torch.randn(out.shape); the gradients are those of (out * w).sum().
OPS = [
    ("softmax", 1001, "torch.softmax(in0, dim=-1)",
     lambda: [torch.randn(3, 5)], lambda a: torch.softmax(a[0], dim=-1)),
    ("log_softmax", 1002, "torch.log_softmax(in0, dim=-1)",
     lambda: [torch.randn(2, 3, 7)], lambda a: torch.log_softmax(a[0], dim=-1)),
    ("layer_norm", 1003,
     "in1 * (in0 - mean) / torch.sqrt(var + 1e-5) + in2, mean/var over dim -1, "
     "keepdim, unbiased=False (the book's LayerNorm with scale in1, shift in2)",
     lambda: [torch.randn(2, 3, 7), torch.randn(7), torch.randn(7)],
     lambda a: book_layer_norm(a[0], a[1], a[2])),
    ("gelu", 1004,
     "0.5 * in0 * (1 + torch.tanh(torch.sqrt(torch.tensor(2.0 / torch.pi)) * "
     "(in0 + 0.044715 * torch.pow(in0, 3)))) (the book's GELU)",
     lambda: [torch.randn(2, 3, 7) * 2], lambda a: book_gelu(a[0])),
    ("matmul2d", 1005, "in0 @ in1, (3,5) @ (5,4)",
     lambda: [torch.randn(3, 5), torch.randn(5, 4)], lambda a: a[0] @ a[1]),
    ("matmul4d", 1006, "in0 @ in1, (2,1,3,5) @ (1,4,5,6) -> (2,4,3,6)",
     lambda: [torch.randn(2, 1, 3, 5), torch.randn(1, 4, 5, 6)], lambda a: a[0] @ a[1]),
    ("cross_entropy", 1007,
     "F.cross_entropy(in0, in1), in0 logits (5,7), in1 int64 targets with in1[2] = -100 "
     "(ignore_index), mean over the 4 others; out shape []",
     _cross_entropy_inputs, lambda a: F.cross_entropy(a[0], a[1])),
    ("var_unbiased", 1008, "in0.var(dim=1, unbiased=True), (2,3,7) -> (2,7)",
     lambda: [torch.randn(2, 3, 7)], lambda a: a[0].var(dim=1, unbiased=True)),
    ("var_biased", 1009, "in0.var(dim=-1, keepdim=True, unbiased=False), (2,3,7) -> (2,3,1)",
     lambda: [torch.randn(2, 3, 7)], lambda a: a[0].var(dim=-1, keepdim=True, unbiased=False)),
    ("mean", 1010, "in0.mean(dim=-1, keepdim=True), (2,3,7) -> (2,3,1)",
     lambda: [torch.randn(2, 3, 7)], lambda a: a[0].mean(dim=-1, keepdim=True)),
    ("mean_all", 1011, "in0.mean(), (3,5) -> []",
     lambda: [torch.randn(3, 5)], lambda a: a[0].mean()),
    ("sum", 1012, "in0.sum(dim=0), (2,3,7) -> (3,7)",
     lambda: [torch.randn(2, 3, 7)], lambda a: a[0].sum(dim=0)),
    ("sum_all", 1013, "in0.sum(), (3,5) -> []",
     lambda: [torch.randn(3, 5)], lambda a: a[0].sum()),
    ("max", 1014, "in0.max(dim=-1).values, (3,5) -> (3,); max.indices holds .indices (int64)",
     lambda: [torch.randn(3, 5)], lambda a: a[0].max(dim=-1)),
    ("causal_softmax", 1015,
     "torch.softmax(in0.masked_fill(torch.triu(torch.ones(6,6), 1).bool(), -inf), dim=-1), "
     "in0 (6,6) attention scores",
     lambda: [torch.randn(6, 6)], lambda a: _causal_softmax(a[0])),
    ("exp", 1016, "torch.exp(in0)", lambda: [torch.randn(3, 5)], lambda a: torch.exp(a[0])),
    ("log", 1017, "torch.log(in0), in0 = torch.rand(3,5) + 0.1",
     lambda: [torch.rand(3, 5) + 0.1], lambda a: torch.log(a[0])),
    ("tanh", 1018, "torch.tanh(in0), in0 = 2 * torch.randn(3,5)",
     lambda: [torch.randn(3, 5) * 2], lambda a: torch.tanh(a[0])),
    ("sqrt", 1019, "torch.sqrt(in0), in0 = torch.rand(3,5) + 0.1",
     lambda: [torch.rand(3, 5) + 0.1], lambda a: torch.sqrt(a[0])),
    ("pow2", 1020, "torch.pow(in0, 2.0)", lambda: [torch.randn(3, 5)],
     lambda a: torch.pow(a[0], 2.0)),
    ("pow05", 1021, "torch.pow(in0, 0.5), in0 = torch.rand(3,5) + 0.1",
     lambda: [torch.rand(3, 5) + 0.1], lambda a: torch.pow(a[0], 0.5)),
    ("div", 1022, "in0 / in1, (2,3,7) / (3,1), in1 = torch.rand(3,1) + 0.5",
     lambda: [torch.randn(2, 3, 7), torch.rand(3, 1) + 0.5], lambda a: a[0] / a[1]),
    ("view_chain", 1023,
     "in0.transpose(1, 2).contiguous().view(2, 3, 20), in0 (2,5,3,4) (the merge of heads)",
     lambda: [torch.randn(2, 5, 3, 4)], lambda a: _view_chain(a[0])),
    # extras used everywhere in the book
    ("linear", 1024, "F.linear(in0, in1, in2) = in0 @ in1.T + in2, (2,3,7), weight (4,7), bias (4)",
     lambda: [torch.randn(2, 3, 7), torch.randn(4, 7), torch.randn(4)],
     lambda a: F.linear(a[0], a[1], a[2])),
    ("embedding", 1025,
     "F.embedding(in0, in1), in0 int64 ids (2,3) with repeats [[1,3,1],[5,0,1]], in1 weight (6,4); "
     "grad1 accumulates over repeated ids",
     _embedding_inputs, lambda a: F.embedding(a[0], a[1])),
    ("relu", 1026, "torch.relu(in0)", lambda: [torch.randn(3, 5)], lambda a: torch.relu(a[0])),
]


def make_ops():
    tensors = OrderedDict()
    meta = common_metadata(
        "Per-op references. For each op: torch.manual_seed(<op>.seed), inputs "
        "<op>.in0, <op>.in1, ... drawn in that order (see <op>.call), "
        "out = op(inputs) in <op>.out, w = torch.randn(out.shape) in <op>.w, "
        "and <op>.gradK = d (out * w).sum() / d inK for each float input K "
        "(integer inputs have no gradient).", "per op, see <op>.seed")
    meta["ops"] = ",".join(name for name, *_ in OPS)
    meta["gelu.sqrt_2_over_pi_f32"] = f32_hex(torch.sqrt(torch.tensor(2.0 / torch.pi)).item())
    for name, seed, call, make_inputs, fn in OPS:
        torch.manual_seed(seed)
        inputs = make_inputs()
        for t in inputs:
            if t.is_floating_point():
                t.requires_grad_(True)
        res = fn(inputs)
        extra = OrderedDict()
        if name == "max":
            extra["max.indices"] = res.indices
            res = res.values
        w = torch.randn(res.shape)
        (res * w).sum().backward()
        for k, t in enumerate(inputs):
            tensors[f"{name}.in{k}"] = t.detach().clone()
        tensors[f"{name}.w"] = w
        tensors[f"{name}.out"] = res.detach().clone()
        tensors.update(extra)
        for k, t in enumerate(inputs):
            if t.is_floating_point():
                tensors[f"{name}.grad{k}"] = t.grad.detach().clone()
        meta[f"{name}.seed"] = str(seed)
        meta[f"{name}.call"] = call
    return tensors, meta


###############################################################################
# 4. GPT-2 weights (Hugging Face layout) and state-dict compatibility
###############################################################################

def load_weights_into_gpt(gpt, params):
    """The book's loader for Hugging Face's model.safetensors (bonus notebook
    ch05/02_alternative_weight_loading/weight-loading-hf-safetensors.ipynb), written
    out again: params maps the file's names (no "transformer." prefix) to tensors.
    Used here only to check that gpt2_layout_state() is its exact inverse."""
    def assign(left, right):
        if left.shape != right.shape:
            raise ValueError(f"Shape mismatch. Left: {left.shape}, Right: {right.shape}")
        return torch.nn.Parameter(right.clone().detach())

    gpt.pos_emb.weight = assign(gpt.pos_emb.weight, params["wpe.weight"])
    gpt.tok_emb.weight = assign(gpt.tok_emb.weight, params["wte.weight"])
    for b in range(len(gpt.trf_blocks)):
        blk = gpt.trf_blocks[b]
        q_w, k_w, v_w = torch.chunk(params[f"h.{b}.attn.c_attn.weight"], 3, axis=-1)
        blk.att.W_query.weight = assign(blk.att.W_query.weight, q_w.T)
        blk.att.W_key.weight = assign(blk.att.W_key.weight, k_w.T)
        blk.att.W_value.weight = assign(blk.att.W_value.weight, v_w.T)
        q_b, k_b, v_b = torch.chunk(params[f"h.{b}.attn.c_attn.bias"], 3, axis=-1)
        blk.att.W_query.bias = assign(blk.att.W_query.bias, q_b)
        blk.att.W_key.bias = assign(blk.att.W_key.bias, k_b)
        blk.att.W_value.bias = assign(blk.att.W_value.bias, v_b)
        blk.att.out_proj.weight = assign(blk.att.out_proj.weight, params[f"h.{b}.attn.c_proj.weight"].T)
        blk.att.out_proj.bias = assign(blk.att.out_proj.bias, params[f"h.{b}.attn.c_proj.bias"])
        blk.ff.layers[0].weight = assign(blk.ff.layers[0].weight, params[f"h.{b}.mlp.c_fc.weight"].T)
        blk.ff.layers[0].bias = assign(blk.ff.layers[0].bias, params[f"h.{b}.mlp.c_fc.bias"])
        blk.ff.layers[2].weight = assign(blk.ff.layers[2].weight, params[f"h.{b}.mlp.c_proj.weight"].T)
        blk.ff.layers[2].bias = assign(blk.ff.layers[2].bias, params[f"h.{b}.mlp.c_proj.bias"])
        blk.norm1.scale = assign(blk.norm1.scale, params[f"h.{b}.ln_1.weight"])
        blk.norm1.shift = assign(blk.norm1.shift, params[f"h.{b}.ln_1.bias"])
        blk.norm2.scale = assign(blk.norm2.scale, params[f"h.{b}.ln_2.weight"])
        blk.norm2.shift = assign(blk.norm2.shift, params[f"h.{b}.ln_2.bias"])
    gpt.final_norm.scale = assign(gpt.final_norm.scale, params["ln_f.weight"])
    gpt.final_norm.shift = assign(gpt.final_norm.shift, params["ln_f.bias"])
    gpt.out_head.weight = assign(gpt.out_head.weight, params["wte.weight"])


def gpt2_layout_state(model):
    """The book's GPTModel -> Hugging Face GPT2Model names and Conv1D layouts: the exact
    reverse of load_weights_into_gpt. Conv1D stores a Linear weight (out, in) as (in, out).

        wte.weight                 (V, E)   <- tok_emb.weight (out_head.weight is tied to it)
        wpe.weight                 (C, E)   <- pos_emb.weight
        h.N.ln_1.weight / .bias    (E)      <- trf_blocks.N.norm1.scale / .shift
        h.N.attn.bias              (1,1,C,C) the HF causal-mask buffer (tril of ones), F32
        h.N.attn.c_attn.weight     (E, 3E)  <- cat([W_query.weight.T, W_key.weight.T, W_value.weight.T], dim=1)
        h.N.attn.c_attn.bias       (3E)     <- cat([W_query.bias, W_key.bias, W_value.bias])
        h.N.attn.c_proj.weight     (E, E)   <- att.out_proj.weight.T
        h.N.attn.c_proj.bias       (E)      <- att.out_proj.bias
        h.N.ln_2.weight / .bias    (E)      <- trf_blocks.N.norm2.scale / .shift
        h.N.mlp.c_fc.weight        (E, 4E)  <- ff.layers.0.weight.T
        h.N.mlp.c_fc.bias          (4E)     <- ff.layers.0.bias
        h.N.mlp.c_proj.weight      (4E, E)  <- ff.layers.2.weight.T
        h.N.mlp.c_proj.bias        (E)      <- ff.layers.2.bias
        ln_f.weight / .bias        (E)      <- final_norm.scale / .shift

    The order is that of Hugging Face's GPT2Model.state_dict()."""
    sd = OrderedDict()
    sd["wte.weight"] = model.tok_emb.weight
    sd["wpe.weight"] = model.pos_emb.weight
    for b, blk in enumerate(model.trf_blocks):
        c = blk.att.mask.shape[0]
        sd[f"h.{b}.ln_1.weight"] = blk.norm1.scale
        sd[f"h.{b}.ln_1.bias"] = blk.norm1.shift
        sd[f"h.{b}.attn.bias"] = torch.tril(torch.ones(c, c)).view(1, 1, c, c)
        sd[f"h.{b}.attn.c_attn.weight"] = torch.cat(
            [blk.att.W_query.weight.T, blk.att.W_key.weight.T, blk.att.W_value.weight.T], dim=1)
        sd[f"h.{b}.attn.c_attn.bias"] = torch.cat(
            [blk.att.W_query.bias, blk.att.W_key.bias, blk.att.W_value.bias])
        sd[f"h.{b}.attn.c_proj.weight"] = blk.att.out_proj.weight.T
        sd[f"h.{b}.attn.c_proj.bias"] = blk.att.out_proj.bias
        sd[f"h.{b}.ln_2.weight"] = blk.norm2.scale
        sd[f"h.{b}.ln_2.bias"] = blk.norm2.shift
        sd[f"h.{b}.mlp.c_fc.weight"] = blk.ff.layers[0].weight.T
        sd[f"h.{b}.mlp.c_fc.bias"] = blk.ff.layers[0].bias
        sd[f"h.{b}.mlp.c_proj.weight"] = blk.ff.layers[2].weight.T
        sd[f"h.{b}.mlp.c_proj.bias"] = blk.ff.layers[2].bias
    sd["ln_f.weight"] = model.final_norm.scale
    sd["ln_f.bias"] = model.final_norm.shift
    return OrderedDict((k, v.detach().clone().contiguous()) for k, v in sd.items())


def gpt_config(vocab, ctx, emb, heads, layers, drop, qkv_bias):
    return OrderedDict([
        ("vocab_size", vocab), ("context_length", ctx), ("emb_dim", emb), ("n_heads", heads),
        ("n_layers", layers), ("drop_rate", drop), ("qkv_bias", qkv_bias),
    ])


LAYOUT_SEED = 2024
LAYOUT_CONFIG = gpt_config(64, 16, 24, 4, 3, 0.0, True)
LAYOUT_NOISE = 0.1


def make_gpt2_layout():
    """A tiny GPT-2 in Hugging Face's model.safetensors layout, plus PyTorch's logits.

    Returns {filename: (tensors, meta)} for gpt2_layout.safetensors (the model only,
    named and shaped as Hugging Face's GPT2Model, so a loader sees what it sees in a
    real download) and gpt2_layout_logits.safetensors (input ids, logits, and the
    book-keyed state dict the loader must produce)."""
    cfg = LAYOUT_CONFIG
    torch.manual_seed(LAYOUT_SEED)
    model = GPTModel(cfg)
    model.out_head.weight = model.tok_emb.weight           # GPT-2's weight tying
    with torch.no_grad():                                  # move every value off its init
        for p in model.parameters():                       # (LayerNorm: not 1 and 0)
            p.add_(torch.randn(p.shape) * LAYOUT_NOISE)
    input_ids = torch.randint(0, cfg["vocab_size"], (2, cfg["context_length"]))
    short_ids = torch.randint(0, cfg["vocab_size"], (1, 5))
    model.eval()
    with torch.no_grad():
        logits = model(input_ids)
        short_logits = model(short_ids)
    hf = gpt2_layout_state(model)

    # check: the book's load_weights_into_gpt maps the file back to the same model
    torch.manual_seed(0)
    back = GPTModel(cfg)
    load_weights_into_gpt(back, hf)
    back.eval()
    for k, v in model.state_dict().items():           # the same values, bit for bit
        assert torch.equal(back.state_dict()[k], v), k
    with torch.no_grad():
        # not bit-equal: the book's assign() clones the transposed views with their strides
        # (clone keeps the memory format), so F.linear sees transposed weights and sums in
        # another order
        diff = (back(input_ids) - logits).abs().max().item()
        assert diff < 1e-5, f"gpt2_layout_state is not the inverse (max |diff| {diff})"

    meta = common_metadata(
        "A tiny GPT-2 in Hugging Face's model.safetensors layout (GPT2Model names, no "
        "'transformer.' prefix, Conv1D weights (in, out), q/k/v fused in c_attn, the "
        "h.N.attn.bias mask buffers included as F32). Made from the book's GPTModel(config) "
        "built after torch.manual_seed(seed), out_head.weight tied to tok_emb.weight, then "
        f"every parameter += torch.randn(p.shape) * {LAYOUT_NOISE} (in parameters() order), "
        "then converted by gpt2_layout_state() in scripts/make_fixtures.py, the exact inverse "
        "of the book's load_weights_into_gpt (checked). Expected outputs: "
        "gpt2_layout_logits.safetensors.", LAYOUT_SEED)
    meta["config"] = json.dumps(cfg)

    out = OrderedDict()
    out["input_ids"] = input_ids
    out["logits"] = logits
    out["short_ids"] = short_ids
    out["short_logits"] = short_logits
    for k, v in model.state_dict().items():
        out["book." + k] = v.detach().clone()
    meta2 = common_metadata(
        "Expected outputs for gpt2_layout.safetensors: input_ids (2, 16) = "
        "torch.randint(0, 64, (2, 16)) and short_ids (1, 5) = torch.randint(0, 64, (1, 5)) "
        "drawn right after the noise; logits / short_logits = model(ids) in eval mode with the "
        "book's GPTModel (tied head); book.<key>: the book-keyed state_dict() a loader must "
        "produce (out_head.weight equals tok_emb.weight).", LAYOUT_SEED)
    meta2["config"] = json.dumps(cfg)
    meta2["input_draws"] = "input_ids = torch.randint(0, 64, (2, 16)); short_ids = torch.randint(0, 64, (1, 5))"
    return OrderedDict([("gpt2_layout.safetensors", (hf, meta)),
                        ("gpt2_layout_logits.safetensors", (out, meta2))])


BOOK_STATE_SEED = 77
BOOK_STATE_CONFIG = gpt_config(72, 12, 20, 5, 2, 0.1, True)
BOOK_STATE_ADAMW = dict(lr=1e-2, weight_decay=0.1)
BOOK_STATE_STEPS = 2


def make_book_gpt_state():
    """book -> ours: the book's GPTModel state_dict() after two AdamW steps, as a pure
    state-dict file (what torch's safetensors.torch.save_file(model.state_dict()) would
    write), and its logits for fixed ids in a second file."""
    cfg = BOOK_STATE_CONFIG
    torch.manual_seed(BOOK_STATE_SEED)
    model = GPTModel(cfg)
    batch = torch.randint(0, cfg["vocab_size"], (3, cfg["context_length"]))
    targets = torch.randint(0, cfg["vocab_size"], (3, cfg["context_length"]))
    opt = torch.optim.AdamW(model.parameters(), **BOOK_STATE_ADAMW)
    model.train()                                           # dropout 0.1 active
    for _ in range(BOOK_STATE_STEPS):
        opt.zero_grad()
        calc_loss_batch(batch, targets, model).backward()
        opt.step()
    ids = torch.randint(0, cfg["vocab_size"], (2, cfg["context_length"]))
    model.eval()
    with torch.no_grad():
        logits = model(ids)

    state = OrderedDict((k, v.detach().clone()) for k, v in model.state_dict().items())
    meta = common_metadata(
        "The book's GPTModel(config).state_dict() (every key, the float32 mask buffers "
        "included), exactly what load_state_dict expects: torch.manual_seed(seed), build "
        "the model, batch = torch.randint(0, 72, (3, 12)), targets = torch.randint(0, 72, "
        f"(3, 12)), {BOOK_STATE_STEPS} AdamW steps (lr {BOOK_STATE_ADAMW['lr']}, weight_decay "
        f"{BOOK_STATE_ADAMW['weight_decay']}) on calc_loss_batch in train mode (dropout 0.1 "
        "active). Expected outputs: book_gpt_logits.safetensors.", BOOK_STATE_SEED)
    meta["config"] = json.dumps(cfg)
    out = OrderedDict([("input_ids", ids), ("logits", logits)])
    meta2 = common_metadata(
        "Expected outputs for book_gpt_state.safetensors: input_ids = torch.randint(0, 72, "
        "(2, 12)) drawn after the training steps; logits = model(input_ids) in eval mode.",
        BOOK_STATE_SEED)
    meta2["config"] = json.dumps(cfg)
    return OrderedDict([("book_gpt_state.safetensors", (state, meta)),
                        ("book_gpt_logits.safetensors", (out, meta2))])


JAVA_STATE_FILE = "java_gpt_state.safetensors"
JAVA_IDS_SEED = 99


def make_java_gpt_logits():
    """ours -> book: load the state dict that ScratchLLM wrote (java_gpt_state.safetensors,
    committed; see docs/fixtures.md for how Java regenerates it) into the book's GPTModel
    with load_state_dict(strict=True) and record the logits for fixed ids."""
    path = os.path.join(OUT_DIR, JAVA_STATE_FILE)
    if not os.path.exists(path):
        sys.exit(f"{path} is missing: ScratchLLM writes it (see docs/fixtures.md, "
                 "'java_gpt_state.safetensors'); run that first")
    arrays, jmeta = read_safetensors(path)
    cfg = json.loads(jmeta["config"], object_pairs_hook=OrderedDict)
    state = OrderedDict((k, torch.from_numpy(a.copy())) for k, a in arrays.items())
    torch.manual_seed(0)                     # the initial weights are all overwritten
    model = GPTModel(cfg)
    model.load_state_dict(state, strict=True)
    for k, v in model.state_dict().items():
        assert torch.equal(v, state[k]), k
    torch.manual_seed(JAVA_IDS_SEED)
    ids = torch.randint(0, cfg["vocab_size"], (2, cfg["context_length"]))
    model.eval()
    with torch.no_grad():
        logits = model(ids)
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    meta = common_metadata(
        f"PyTorch's logits for the state dict ScratchLLM wrote ({JAVA_STATE_FILE}): the "
        "book's GPTModel(config) (config from that file's metadata), load_state_dict(state, "
        "strict=True), torch.manual_seed(seed), input_ids = torch.randint(0, vocab_size, "
        "(2, context_length)), logits = model(input_ids) in eval mode. java_state_sha256: the "
        "SHA-256 of the state file these logits were computed from.", JAVA_IDS_SEED)
    meta["config"] = json.dumps(cfg)
    meta["java_state_sha256"] = digest
    return OrderedDict([("input_ids", ids), ("logits", logits)]), meta


###############################################################################
# main
###############################################################################

TOLERANCES = OrderedDict([
    ("tolerance.elementwise", "rtol 1e-6, atol 1e-6 (exp, log, tanh, sqrt, pow, div, gelu, relu)"),
    ("tolerance.reduction", "rtol 1e-5, atol 1e-6 (softmax, sums, means, var, layer norm, matmul)"),
    ("tolerance.model", "rtol 1e-4, atol 1e-5 (logits, loss, gradients of a whole model)"),
    ("tolerance.optimizer",
     "atol 1e-6 on parameters after an optimizer step, except the parameters named in "
     "adamw_unstable (a gradient element with 0 < |g| < 1e-7, so AdamW's step "
     "lr * g / (|g| + 1e-8) is rounding noise): compare those within atol lr"),
])


def main():
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    torch.set_default_dtype(torch.float32)
    os.makedirs(OUT_DIR, exist_ok=True)

    jobs = [
        ("mlp.safetensors", make_mlp),
        ("tiny_gpt.safetensors", lambda: make_tiny_gpt(False)),
        ("tiny_gpt_qkvbias.safetensors", lambda: make_tiny_gpt(True)),
        ("ops.safetensors", make_ops),
    ]
    for multi in (make_gpt2_layout, make_book_gpt_state):
        for filename, result in multi().items():
            jobs.append((filename, lambda r=result: r))
    jobs.append(("java_gpt_logits.safetensors", make_java_gpt_logits))
    total = 0
    for filename, job in jobs:
        tensors, meta = job()
        meta.update(TOLERANCES)
        path = os.path.join(OUT_DIR, filename)
        write_safetensors(path, tensors, meta)

        # read back with the independent reader: bit-identical tensors
        back, back_meta = read_safetensors(path)
        assert list(back) == list(tensors), f"{filename}: names or order differ"
        assert back_meta == {k: str(v) for k, v in meta.items()}
        for n, t in tensors.items():
            a = t.detach().cpu().contiguous().numpy()
            assert back[n].shape == a.shape and back[n].tobytes() == a.tobytes(), n

        size = os.path.getsize(path)
        total += size
        assert size < MAX_FILE_BYTES, f"{filename} is {size} bytes"
        with open(path, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        print(f"{filename}: {len(tensors)} tensors, {size} bytes, sha256 {digest}")
    assert total < MAX_TOTAL_BYTES, f"fixtures are {total} bytes together"
    print(f"total {total} bytes, torch {torch.__version__}, written to {OUT_DIR}")


REFERENCE_BLAS_DIRS = ["/usr/lib/x86_64-linux-gnu/blas", "/usr/lib/x86_64-linux-gnu/lapack"]


def ensure_reference_blas():
    """Run PyTorch on Debian's reference BLAS (libblas3), whatever the system default is.

    Debian's torch calls the BLAS behind /usr/lib/x86_64-linux-gnu/libblas.so.3, which the
    alternatives system points at the best installed implementation: installing OpenBLAS
    (libopenblas0-*) silently switches it, and float32 matmuls then round differently (the
    fixtures change in the last bits). The committed fixtures were made with the reference
    BLAS, so if another one is the default, re-run this script with the reference library
    first on LD_LIBRARY_PATH (the system setting is left alone)."""
    current = os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3")
    reference = os.path.join(REFERENCE_BLAS_DIRS[0], "libblas.so.3")
    if not os.path.exists(reference) or os.path.dirname(current) == REFERENCE_BLAS_DIRS[0]:
        return
    if os.environ.get("MAKE_FIXTURES_REFERENCE_BLAS") == "1":
        return   # already re-executed
    env = dict(os.environ, MAKE_FIXTURES_REFERENCE_BLAS="1",
               LD_LIBRARY_PATH=":".join(REFERENCE_BLAS_DIRS + [os.environ.get("LD_LIBRARY_PATH", "")]).rstrip(":"))
    print(f"libblas.so.3 is {current}; re-running on the reference BLAS in {REFERENCE_BLAS_DIRS[0]}",
          file=sys.stderr)
    sys.stdout.flush()
    os.execve(sys.executable, [sys.executable] + sys.argv, env)


def loaded_blas():
    """The BLAS library this process has mapped (after a matmul), for the record."""
    torch.ones(8, 8) @ torch.ones(8, 8)
    try:
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1] for line in f if "blas" in line.rsplit("/", 1)[-1]}
        return ", ".join(sorted(libs)) or "unknown"
    except OSError:
        return "unknown"


if __name__ == "__main__":
    if sys.version_info < (3, 7):
        sys.exit("needs Python 3.7+")
    ensure_reference_blas()
    main()
    print(f"BLAS: {loaded_blas()}")
