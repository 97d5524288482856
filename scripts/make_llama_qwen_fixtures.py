#!/usr/bin/python3
"""Write the PyTorch reference fixtures for ScratchLLM's Llama 3.2 and Qwen3 tests.

Run with Debian's interpreter and Debian's PyTorch (python3-torch, 1.13, CPU):

    /usr/bin/python3 scripts/make_llama_qwen_fixtures.py

Output, under src/test/resources/fixtures/llama_qwen/ (all small, tiny configs):

  blocks.safetensors          RoPE tables (tiny config with Llama 3 frequency scaling, and rows
                              of the real Llama 3.2 / Qwen3 tables), RMSNorm (both flavours),
                              SiLU and the SwiGLU feed-forward and both attentions: inputs,
                              seeded initial weights, outputs and gradients
  llama_tiny.safetensors      a 2-layer Llama 3 (GQA with 2 groups, RoPE scaling on), untied
  llama_tiny_tied.safetensors the same with the output head tied to the embedding
  qwen_tiny.safetensors       a 2-layer Qwen3 (QK-norm, head_dim != emb_dim/n_heads), tied
  qwen_tiny_untied.safetensors
  qwen_moe_tiny.safetensors   a 2-layer Qwen3 with a 4-expert, top-2 mixture of experts
      each model file: the config (JSON, metadata "config"), the seeded initial state dict
      (init.*), input ids and targets, logits, the cross-entropy loss and every parameter's
      gradient (grad.*), and greedy ids with and without the KV cache (which agree)
  hf_llama_tiny/              a tiny Llama in Hugging Face's layout, BF16, sharded in two files
                              with model.safetensors.index.json, lm_head present, plus config.json
  hf_qwen_tiny/               a tiny Qwen3 in Hugging Face's layout, BF16, one model.safetensors,
                              no lm_head (tied), plus config.json
  hf_qwen_moe_tiny/           a tiny Qwen3-MoE in Hugging Face's layout, BF16, one file
  hf_logits.safetensors       input ids and the reference's logits for the three HF models
                              (computed from the BF16 weights widened to float32)

The reference architectures below are written out again from the published code,
S. Raschka, "Build a Large Language Model (From Scratch)", code at
https://github.com/rasbt/LLMs-from-scratch (Apache-2.0): ch05/07_gpt_to_llama
(standalone-llama32.ipynb) and ch05/11_qwen3, i.e. pkg/llms_from_scratch/kv_cache/llama3.py
and kv_cache/qwen3.py: same module names and creation order (so state-dict keys and seeded
initialisation are the reference's), same tensor operations in the same order. PyTorch 1.13
has no torch.nn.RMSNorm, which the Llama reference uses; TorchRMSNorm below computes what
torch.nn.RMSNorm (PyTorch >= 2.4) computes in float32 and has its parameter name (weight).

Tests and CI never run this script; its outputs are committed. Deterministic: two runs give
byte-identical files.
"""

import json
import os
import struct
import sys
from collections import OrderedDict

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import ensure_reference_blas  # noqa: E402  (same BLAS as the other fixtures)

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(REPO_ROOT, "src", "test", "resources", "fixtures", "llama_qwen")
SCRIPT = "scripts/make_llama_qwen_fixtures.py"
MAX_TOTAL_BYTES = 3 << 20


###############################################################################
# Shared pieces
###############################################################################

class TorchRMSNorm(nn.Module):
    """torch.nn.RMSNorm(emb_dim, eps) of PyTorch >= 2.4, for float32 inputs."""

    def __init__(self, emb_dim, eps):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(emb_dim))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(dim=-1, keepdim=True) + self.eps) * self.weight


class QwenRMSNorm(nn.Module):
    """Qwen3 reference's RMSNorm (scale, optional shift, qwen3_compatible)."""

    def __init__(self, emb_dim, eps=1e-6, bias=False, qwen3_compatible=True):
        super().__init__()
        self.eps = eps
        self.qwen3_compatible = qwen3_compatible
        self.scale = nn.Parameter(torch.ones(emb_dim))
        self.shift = nn.Parameter(torch.zeros(emb_dim)) if bias else None

    def forward(self, x):
        input_dtype = x.dtype
        if self.qwen3_compatible:
            x = x.to(torch.float32)
        variance = x.pow(2).mean(dim=-1, keepdim=True)
        norm_x = x * torch.rsqrt(variance + self.eps)
        norm_x = norm_x * self.scale
        if self.shift is not None:
            norm_x = norm_x + self.shift
        return norm_x.to(input_dtype)


class FeedForward(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.fc1 = nn.Linear(cfg["emb_dim"], cfg["hidden_dim"], bias=False)
        self.fc2 = nn.Linear(cfg["emb_dim"], cfg["hidden_dim"], bias=False)
        self.fc3 = nn.Linear(cfg["hidden_dim"], cfg["emb_dim"], bias=False)

    def forward(self, x):
        x_fc1 = self.fc1(x)
        x_fc2 = self.fc2(x)
        x = nn.functional.silu(x_fc1) * x_fc2
        return self.fc3(x)


def compute_rope_params(head_dim, theta_base=10_000, context_length=4096, freq_config=None, dtype=torch.float32):
    assert head_dim % 2 == 0
    inv_freq = 1.0 / (theta_base ** (torch.arange(0, head_dim, 2, dtype=dtype)[: (head_dim // 2)].float() / head_dim))
    if freq_config is not None:
        low_freq_wavelen = freq_config["original_context_length"] / freq_config["low_freq_factor"]
        high_freq_wavelen = freq_config["original_context_length"] / freq_config["high_freq_factor"]
        wavelen = 2 * torch.pi / inv_freq
        inv_freq_llama = torch.where(wavelen > low_freq_wavelen, inv_freq / freq_config["factor"], inv_freq)
        smooth_factor = (freq_config["original_context_length"] / wavelen - freq_config["low_freq_factor"]) / (
            freq_config["high_freq_factor"] - freq_config["low_freq_factor"])
        smoothed_inv_freq = (1 - smooth_factor) * (inv_freq / freq_config["factor"]) + smooth_factor * inv_freq
        is_medium_freq = (wavelen <= low_freq_wavelen) & (wavelen >= high_freq_wavelen)
        inv_freq_llama = torch.where(is_medium_freq, smoothed_inv_freq, inv_freq_llama)
        inv_freq = inv_freq_llama
    positions = torch.arange(context_length, dtype=dtype)
    angles = positions.unsqueeze(1) * inv_freq.unsqueeze(0)
    angles = torch.cat([angles, angles], dim=1)
    return torch.cos(angles), torch.sin(angles), inv_freq


def apply_rope(x, cos, sin, offset=0):
    batch_size, num_heads, seq_len, head_dim = x.shape
    x1 = x[..., : head_dim // 2]
    x2 = x[..., head_dim // 2:]
    cos = cos[offset:offset + seq_len, :].unsqueeze(0).unsqueeze(0)
    sin = sin[offset:offset + seq_len, :].unsqueeze(0).unsqueeze(0)
    rotated = torch.cat((-x2, x1), dim=-1)
    x_rotated = (x * cos) + (rotated * sin)
    return x_rotated.to(dtype=x.dtype)


class KVCache:
    def __init__(self, n_layers):
        self.cache = [None] * n_layers

    def get(self, layer_idx):
        return self.cache[layer_idx]

    def update(self, layer_idx, value):
        self.cache[layer_idx] = value


class GroupedQueryAttention(nn.Module):
    """Both references' GQA with KV cache; llama_order creates W_key, W_value, W_query as Llama does."""

    def __init__(self, d_in, num_heads, num_kv_groups, head_dim=None, qk_norm=False, llama_order=False):
        super().__init__()
        assert num_heads % num_kv_groups == 0
        self.num_heads = num_heads
        self.num_kv_groups = num_kv_groups
        self.group_size = num_heads // num_kv_groups
        if head_dim is None:
            head_dim = d_in // num_heads
        self.head_dim = head_dim
        self.d_out = num_heads * head_dim
        if llama_order:
            self.W_key = nn.Linear(d_in, num_kv_groups * head_dim, bias=False)
            self.W_value = nn.Linear(d_in, num_kv_groups * head_dim, bias=False)
            self.W_query = nn.Linear(d_in, self.d_out, bias=False)
            self.out_proj = nn.Linear(self.d_out, self.d_out, bias=False)
        else:
            self.W_query = nn.Linear(d_in, self.d_out, bias=False)
            self.W_key = nn.Linear(d_in, num_kv_groups * head_dim, bias=False)
            self.W_value = nn.Linear(d_in, num_kv_groups * head_dim, bias=False)
            self.out_proj = nn.Linear(self.d_out, d_in, bias=False)
        if qk_norm:
            self.q_norm = QwenRMSNorm(head_dim, eps=1e-6)
            self.k_norm = QwenRMSNorm(head_dim, eps=1e-6)
        else:
            self.q_norm = self.k_norm = None

    def forward(self, x, mask, cos, sin, start_pos=0, cache=None):
        b, num_tokens, _ = x.shape
        queries = self.W_query(x)
        keys = self.W_key(x)
        values = self.W_value(x)
        queries = queries.view(b, num_tokens, self.num_heads, self.head_dim).transpose(1, 2)
        keys_new = keys.view(b, num_tokens, self.num_kv_groups, self.head_dim).transpose(1, 2)
        values_new = values.view(b, num_tokens, self.num_kv_groups, self.head_dim).transpose(1, 2)
        if self.q_norm:
            queries = self.q_norm(queries)
        if self.k_norm:
            keys_new = self.k_norm(keys_new)
        queries = apply_rope(queries, cos, sin, offset=start_pos)
        keys_new = apply_rope(keys_new, cos, sin, offset=start_pos)
        if cache is not None:
            prev_k, prev_v = cache
            keys = torch.cat([prev_k, keys_new], dim=2)
            values = torch.cat([prev_v, values_new], dim=2)
        else:
            keys, values = keys_new, values_new
        next_cache = (keys, values)
        keys = keys.repeat_interleave(self.group_size, dim=1)
        values = values.repeat_interleave(self.group_size, dim=1)
        attn_scores = queries @ keys.transpose(2, 3)
        attn_scores = attn_scores.masked_fill(mask, -torch.inf)
        attn_weights = torch.softmax(attn_scores / self.head_dim ** 0.5, dim=-1)
        context = (attn_weights @ values).transpose(1, 2).reshape(b, num_tokens, self.d_out)
        return self.out_proj(context), next_cache


class MoEFeedForward(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.num_experts_per_tok = cfg["num_experts_per_tok"]
        self.num_experts = cfg["num_experts"]
        self.emb_dim = cfg["emb_dim"]
        self.gate = nn.Linear(cfg["emb_dim"], cfg["num_experts"], bias=False)
        self.fc1 = nn.ModuleList([nn.Linear(cfg["emb_dim"], cfg["moe_intermediate_size"], bias=False)
                                  for _ in range(cfg["num_experts"])])
        self.fc2 = nn.ModuleList([nn.Linear(cfg["emb_dim"], cfg["moe_intermediate_size"], bias=False)
                                  for _ in range(cfg["num_experts"])])
        self.fc3 = nn.ModuleList([nn.Linear(cfg["moe_intermediate_size"], cfg["emb_dim"], bias=False)
                                  for _ in range(cfg["num_experts"])])

    def forward(self, x):
        scores = self.gate(x)
        topk_scores, topk_indices = torch.topk(scores, self.num_experts_per_tok, dim=-1)
        topk_probs = torch.softmax(topk_scores, dim=-1)
        batch, seq_len, _ = x.shape
        x_flat = x.reshape(batch * seq_len, -1)
        out_flat = torch.zeros(batch * seq_len, self.emb_dim, device=x.device, dtype=x.dtype)
        topk_indices_flat = topk_indices.reshape(-1, self.num_experts_per_tok)
        topk_probs_flat = topk_probs.reshape(-1, self.num_experts_per_tok)
        unique_experts = torch.unique(topk_indices_flat)
        for expert_id_tensor in unique_experts:
            expert_id = int(expert_id_tensor.item())
            mask = topk_indices_flat == expert_id
            if not mask.any():
                continue
            token_mask = mask.any(dim=-1)
            selected_idx = token_mask.nonzero(as_tuple=False).squeeze(-1)
            if selected_idx.numel() == 0:
                continue
            expert_input = x_flat.index_select(0, selected_idx)
            hidden = torch.nn.functional.silu(self.fc1[expert_id](expert_input)) * self.fc2[expert_id](expert_input)
            expert_out = self.fc3[expert_id](hidden)
            mask_selected = mask[selected_idx]
            slot_indices = mask_selected.int().argmax(dim=-1, keepdim=True)
            selected_probs = torch.gather(topk_probs_flat.index_select(0, selected_idx), dim=-1, index=slot_indices).squeeze(-1)
            out_flat.index_add_(0, selected_idx, expert_out * selected_probs.unsqueeze(-1))
        return out_flat.reshape(batch, seq_len, self.emb_dim)


class Block(nn.Module):
    def __init__(self, cfg, arch):
        super().__init__()
        if arch == "llama":
            self.att = GroupedQueryAttention(cfg["emb_dim"], cfg["n_heads"], cfg["n_kv_groups"], llama_order=True)
            self.ff = FeedForward(cfg)
            self.norm1 = TorchRMSNorm(cfg["emb_dim"], eps=1e-5)
            self.norm2 = TorchRMSNorm(cfg["emb_dim"], eps=1e-5)
        else:
            self.att = GroupedQueryAttention(cfg["emb_dim"], cfg["n_heads"], cfg["n_kv_groups"], head_dim=cfg["head_dim"],
                                             qk_norm=cfg["qk_norm"])
            if cfg.get("num_experts", 0) > 0:
                self.ff = MoEFeedForward(cfg)
            else:
                self.ff = FeedForward(cfg)
            self.norm1 = QwenRMSNorm(cfg["emb_dim"], eps=1e-6)
            self.norm2 = QwenRMSNorm(cfg["emb_dim"], eps=1e-6)

    def forward(self, x, mask, cos, sin, start_pos=0, cache=None):
        shortcut = x
        x = self.norm1(x)
        x, next_cache = self.att(x, mask, cos, sin, start_pos=start_pos, cache=cache)
        x = x + shortcut
        shortcut = x
        x = self.norm2(x)
        x = self.ff(x)
        x = x + shortcut
        return x, next_cache


class Model(nn.Module):
    """Llama3Model (arch="llama") or Qwen3Model (arch="qwen") of the kv_cache references."""

    def __init__(self, cfg, arch):
        super().__init__()
        self.tok_emb = nn.Embedding(cfg["vocab_size"], cfg["emb_dim"])
        self.trf_blocks = nn.ModuleList([Block(cfg, arch) for _ in range(cfg["n_layers"])])
        if arch == "llama":
            self.final_norm = TorchRMSNorm(cfg["emb_dim"], eps=1e-5)
            head_dim = cfg["emb_dim"] // cfg["n_heads"]
            freq = cfg["rope_freq"]
        else:
            self.final_norm = QwenRMSNorm(cfg["emb_dim"])
            head_dim = cfg["head_dim"] or cfg["emb_dim"] // cfg["n_heads"]
            freq = None
        self.out_head = nn.Linear(cfg["emb_dim"], cfg["vocab_size"], bias=False)
        cos, sin, _ = compute_rope_params(head_dim, cfg["rope_base"], cfg["context_length"], freq)
        self.register_buffer("cos", cos, persistent=False)
        self.register_buffer("sin", sin, persistent=False)
        self.cfg = cfg
        self.current_pos = 0

    def forward(self, in_idx, cache=None):
        x = self.tok_emb(in_idx)
        num_tokens = x.shape[1]
        if cache is not None:
            pos_start = self.current_pos
            pos_end = pos_start + num_tokens
            self.current_pos = pos_end
            mask = torch.triu(torch.ones(pos_end, pos_end, dtype=torch.bool), diagonal=1)[pos_start:pos_end, :pos_end]
        else:
            pos_start = 0
            mask = torch.triu(torch.ones(num_tokens, num_tokens, dtype=torch.bool), diagonal=1)
        mask = mask[None, None, :, :]
        for i, block in enumerate(self.trf_blocks):
            blk_cache = cache.get(i) if cache else None
            x, new_blk_cache = block(x, mask, self.cos, self.sin, start_pos=pos_start, cache=blk_cache)
            if cache is not None:
                cache.update(i, new_blk_cache)
        x = self.final_norm(x)
        return self.out_head(x)

    def reset_kv_cache(self):
        self.current_pos = 0


def generate_text_simple(model, idx, max_new_tokens, use_cache):
    """kv_cache/generate.py's greedy loop."""
    ctx_len = model.cfg["context_length"]
    with torch.no_grad():
        if use_cache:
            cache = KVCache(n_layers=model.cfg["n_layers"])
            model.reset_kv_cache()
            logits = model(idx[:, -ctx_len:], cache=cache)
            for _ in range(max_new_tokens):
                next_idx = logits[:, -1].argmax(dim=-1, keepdim=True)
                idx = torch.cat([idx, next_idx], dim=1)
                logits = model(next_idx, cache=cache)
        else:
            for _ in range(max_new_tokens):
                logits = model(idx[:, -ctx_len:], cache=None)
                next_idx = logits[:, -1].argmax(dim=-1, keepdim=True)
                idx = torch.cat([idx, next_idx], dim=1)
    return idx


###############################################################################
# safetensors, by hand (PyTorch 1.13 has no safetensors); F32, I64, BF16
###############################################################################

def tensor_bytes(t):
    t = t.detach().cpu().contiguous()
    if t.dtype == torch.float32:
        return "F32", t.numpy().astype("<f4").tobytes()
    if t.dtype == torch.int64:
        return "I64", t.numpy().astype("<i8").tobytes()
    if t.dtype == torch.bfloat16:
        return "BF16", t.view(torch.int16).numpy().astype("<i2").tobytes()
    raise TypeError(f"dtype {t.dtype} is not written")


def write_safetensors(path, tensors, metadata=None):
    header = OrderedDict()
    if metadata is not None:
        header["__metadata__"] = OrderedDict((str(k), str(v)) for k, v in metadata.items())
    blobs, offset = [], 0
    for name, t in tensors.items():
        code, data = tensor_bytes(t)
        header[name] = OrderedDict([("dtype", code), ("shape", list(t.shape)), ("data_offsets", [offset, offset + len(data)])])
        blobs.append(data)
        offset += len(data)
    hb = json.dumps(header, separators=(",", ":"), ensure_ascii=True).encode("ascii")
    hb += b" " * (-len(hb) % 8)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "wb") as f:
        f.write(struct.pack("<Q", len(hb)))
        f.write(hb)
        for d in blobs:
            f.write(d)
    os.replace(path + ".tmp", path)


def write_json(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")


def metadata(description, cfg=None, seed=None):
    m = OrderedDict([("generator", SCRIPT), ("torch_version", torch.__version__), ("description", description)])
    if cfg is not None:
        m["config"] = json.dumps(cfg, sort_keys=True)
    if seed is not None:
        m["seed"] = str(seed)
    return m


###############################################################################
# Configs
###############################################################################

LLAMA_TINY = {
    "vocab_size": 64, "context_length": 32, "emb_dim": 32, "n_heads": 4, "n_layers": 2, "hidden_dim": 48,
    "n_kv_groups": 2, "rope_base": 500_000.0,
    # head_dim 8: wavelengths 6.3 (high: kept), 167 (medium: smoothed), 4440 and 1.2e5 (low: / factor)
    "rope_freq": {"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_context_length": 200},
}
QWEN_TINY = {
    "vocab_size": 64, "context_length": 32, "emb_dim": 32, "n_heads": 4, "n_layers": 2, "hidden_dim": 48,
    "head_dim": 12, "qk_norm": True, "n_kv_groups": 2, "rope_base": 1_000_000.0,
}
QWEN_MOE_TINY = {
    "vocab_size": 64, "context_length": 32, "emb_dim": 32, "n_heads": 4, "n_layers": 2, "head_dim": 8,
    "qk_norm": True, "n_kv_groups": 2, "rope_base": 10_000_000.0,
    "num_experts": 4, "num_experts_per_tok": 2, "moe_intermediate_size": 16,
}
LLAMA32_1B_ROPE = dict(head_dim=64, theta=500_000.0, context_length=131_072,
                       freq={"factor": 32.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_context_length": 8192})
QWEN3_ROPE = dict(head_dim=128, theta=1_000_000.0, context_length=40_960, freq=None)
ROPE_ROWS = [0, 1, 2, 7, 100, 1000, 8191, 40959]


###############################################################################
# 1. building blocks
###############################################################################

def make_blocks():
    out = OrderedDict()
    # RoPE: tiny table with scaling, and rows of the real tables
    f = LLAMA_TINY["rope_freq"]
    cos, sin, inv = compute_rope_params(8, LLAMA_TINY["rope_base"], 32, f)
    out["rope.tiny.cos"], out["rope.tiny.sin"], out["rope.tiny.inv_freq"] = cos, sin, inv
    for name, r in (("llama32", LLAMA32_1B_ROPE), ("qwen3", QWEN3_ROPE)):
        cos, sin, inv = compute_rope_params(r["head_dim"], r["theta"], r["context_length"], r["freq"])
        rows = torch.tensor(ROPE_ROWS)
        out[f"rope.{name}.inv_freq"] = inv
        out[f"rope.{name}.cos_rows"] = cos.index_select(0, rows)
        out[f"rope.{name}.sin_rows"] = sin.index_select(0, rows)
    out["rope.rows"] = torch.tensor(ROPE_ROWS)
    # apply_rope with an offset, and its gradient
    torch.manual_seed(1)
    cos, sin, _ = compute_rope_params(8, LLAMA_TINY["rope_base"], 32, f)
    x = torch.randn(2, 3, 5, 8, requires_grad=True)
    y = apply_rope(x, cos, sin, offset=4)
    w = torch.randn(y.shape)
    (y * w).sum().backward()
    out["apply_rope.x"], out["apply_rope.y"], out["apply_rope.w"], out["apply_rope.x_grad"] = x.detach(), y.detach(), w, x.grad

    # RMSNorm, both flavours, with non-trivial weights; SiLU
    torch.manual_seed(2)
    for name, norm in (("torch", TorchRMSNorm(16, eps=1e-5)), ("qwen", QwenRMSNorm(16, eps=1e-6, bias=True))):
        with torch.no_grad():
            for p in norm.parameters():
                p.copy_(torch.randn(p.shape))
        x = torch.randn(3, 4, 16, requires_grad=True)
        y = norm(x)
        w = torch.randn(y.shape)
        (y * w).sum().backward()
        out[f"rmsnorm.{name}.x"], out[f"rmsnorm.{name}.y"], out[f"rmsnorm.{name}.w"] = x.detach(), y.detach(), w
        out[f"rmsnorm.{name}.x_grad"] = x.grad
        for n, p in norm.named_parameters():
            out[f"rmsnorm.{name}.{n}"] = p.detach().clone()
            out[f"rmsnorm.{name}.{n}_grad"] = p.grad
    x = (torch.randn(50) * 4).requires_grad_()
    y = nn.functional.silu(x)
    y.sum().backward()
    out["silu.x"], out["silu.y"], out["silu.x_grad"] = x.detach(), y.detach(), x.grad

    # SwiGLU feed-forward, seeded
    torch.manual_seed(123)
    ff = FeedForward({"emb_dim": 8, "hidden_dim": 12})
    for n, p in ff.named_parameters():
        out["ff.init." + n] = p.detach().clone()
    x = torch.randn(2, 3, 8, requires_grad=True)
    y = ff(x)
    y.pow(2).sum().backward()
    out["ff.x"], out["ff.y"], out["ff.x_grad"] = x.detach(), y.detach(), x.grad
    for n, p in ff.named_parameters():
        out["ff.grad." + n] = p.grad

    # both attentions, seeded, causal, with gradients
    for name, kw in (("gqa_llama", dict(d_in=16, num_heads=4, num_kv_groups=2, llama_order=True)),
                     ("gqa_qwen", dict(d_in=16, num_heads=4, num_kv_groups=2, head_dim=6, qk_norm=True))):
        torch.manual_seed(123)
        att = GroupedQueryAttention(**kw)
        for n, p in att.named_parameters():
            out[f"{name}.init.{n}"] = p.detach().clone()
        head_dim = att.head_dim
        cos, sin, _ = compute_rope_params(head_dim, 10_000.0, 16, f if name == "gqa_llama" else None)
        x = torch.randn(2, 6, 16, requires_grad=True)
        mask = torch.triu(torch.ones(6, 6, dtype=torch.bool), diagonal=1)
        y, _ = att(x, mask, cos, sin)
        w = torch.randn(y.shape)
        (y * w).sum().backward()
        out[f"{name}.x"], out[f"{name}.y"], out[f"{name}.w"], out[f"{name}.x_grad"] = x.detach(), y.detach(), w, x.grad
        for n, p in att.named_parameters():
            out[f"{name}.grad.{n}"] = p.grad
    return out


###############################################################################
# 2. whole models
###############################################################################

def make_model(cfg, arch, tied, seed=123):
    torch.manual_seed(seed)
    model = Model(cfg, arch)
    if tied:
        model.out_head.weight = model.tok_emb.weight
    out = OrderedDict()
    for n, p in model.state_dict().items():
        out["init." + n] = p.detach().clone()
    g = torch.Generator().manual_seed(seed + 1)
    ids = torch.randint(0, cfg["vocab_size"], (2, 10), generator=g)
    targets = torch.randint(0, cfg["vocab_size"], (2, 10), generator=g)
    logits = model(ids)
    loss = nn.functional.cross_entropy(logits.flatten(0, 1), targets.flatten())
    loss.backward()
    out["input_ids"], out["targets"], out["logits"], out["loss"] = ids, targets, logits.detach(), loss.detach().reshape(1)
    for n, p in model.named_parameters():
        out["grad." + n] = p.grad
    prompt = ids[:, :4]
    greedy = generate_text_simple(model, prompt, 8, use_cache=False)
    cached = generate_text_simple(model, prompt, 8, use_cache=True)
    assert torch.equal(greedy, cached), "cached and uncached greedy ids differ"
    out["greedy_prompt"], out["greedy_ids"] = prompt, greedy
    # logits of the cached path step by step: prompt (4 tokens), then 3 tokens one at a time
    cache = KVCache(cfg["n_layers"])
    model.reset_kv_cache()
    with torch.no_grad():
        steps = [model(greedy[:, :4], cache=cache)] + [model(greedy[:, i:i + 1], cache=cache) for i in range(4, 7)]
    out["cached_logits"] = torch.cat(steps, dim=1)
    desc = (f"A tiny {arch} model from the reference architecture, seed {seed}, "
            + ("output head tied to tok_emb. " if tied else "untied. ")
            + "init.* = seeded initial state dict; logits for input_ids; loss = cross entropy with targets; grad.* after "
            + "loss.backward(); greedy_ids = 8 greedy tokens after greedy_prompt (same with and without KV cache); "
            + "cached_logits = logits of greedy_ids[:, :7] fed as 4 + 1 + 1 + 1 tokens through the KV cache.")
    return out, metadata(desc, cfg, seed)


###############################################################################
# 3. Hugging Face layout, BF16
###############################################################################

def hf_state(model, cfg, arch, tied):
    """Our reference state dict -> Hugging Face names (the reference loaders' table, inverted)."""
    sd = model.state_dict()
    norm = "weight" if arch == "llama" else "scale"
    hf = OrderedDict()
    hf["model.embed_tokens.weight"] = sd["tok_emb.weight"]
    for l in range(cfg["n_layers"]):
        p, q = f"trf_blocks.{l}.", f"model.layers.{l}."
        hf[q + "input_layernorm.weight"] = sd[p + "norm1." + norm]
        if cfg.get("num_experts", 0) > 0:
            for e in range(cfg["num_experts"]):
                hf[q + f"mlp.experts.{e}.down_proj.weight"] = sd[p + f"ff.fc3.{e}.weight"]
                hf[q + f"mlp.experts.{e}.gate_proj.weight"] = sd[p + f"ff.fc1.{e}.weight"]
                hf[q + f"mlp.experts.{e}.up_proj.weight"] = sd[p + f"ff.fc2.{e}.weight"]
            hf[q + "mlp.gate.weight"] = sd[p + "ff.gate.weight"]
        else:
            hf[q + "mlp.down_proj.weight"] = sd[p + "ff.fc3.weight"]
            hf[q + "mlp.gate_proj.weight"] = sd[p + "ff.fc1.weight"]
            hf[q + "mlp.up_proj.weight"] = sd[p + "ff.fc2.weight"]
        hf[q + "post_attention_layernorm.weight"] = sd[p + "norm2." + norm]
        if arch == "qwen" and cfg["qk_norm"]:
            hf[q + "self_attn.k_norm.weight"] = sd[p + "att.k_norm.scale"]
        hf[q + "self_attn.k_proj.weight"] = sd[p + "att.W_key.weight"]
        hf[q + "self_attn.o_proj.weight"] = sd[p + "att.out_proj.weight"]
        if arch == "qwen" and cfg["qk_norm"]:
            hf[q + "self_attn.q_norm.weight"] = sd[p + "att.q_norm.scale"]
        hf[q + "self_attn.q_proj.weight"] = sd[p + "att.W_query.weight"]
        hf[q + "self_attn.v_proj.weight"] = sd[p + "att.W_value.weight"]
    hf["model.norm.weight"] = sd["final_norm." + norm]
    if not tied:
        hf["lm_head.weight"] = sd["out_head.weight"]
    return OrderedDict(sorted(hf.items()))   # Hugging Face writes names sorted


def hf_config(cfg, arch, tied):
    """The fields of Hugging Face's config.json that describe these models."""
    c = OrderedDict()
    c["architectures"] = ["LlamaForCausalLM" if arch == "llama" else ("Qwen3MoeForCausalLM" if cfg.get("num_experts") else "Qwen3ForCausalLM")]
    c["model_type"] = "llama" if arch == "llama" else ("qwen3_moe" if cfg.get("num_experts") else "qwen3")
    c["vocab_size"] = cfg["vocab_size"]
    c["hidden_size"] = cfg["emb_dim"]
    c["num_attention_heads"] = cfg["n_heads"]
    c["num_hidden_layers"] = cfg["n_layers"]
    c["num_key_value_heads"] = cfg["n_kv_groups"]
    c["max_position_embeddings"] = cfg["context_length"]
    c["rope_theta"] = cfg["rope_base"]
    c["torch_dtype"] = "bfloat16"
    c["tie_word_embeddings"] = tied
    if arch == "llama":
        c["intermediate_size"] = cfg["hidden_dim"]
        c["rms_norm_eps"] = 1e-5
        f = cfg["rope_freq"]
        c["rope_scaling"] = OrderedDict([("factor", f["factor"]), ("high_freq_factor", f["high_freq_factor"]),
                                         ("low_freq_factor", f["low_freq_factor"]),
                                         ("original_max_position_embeddings", f["original_context_length"]),
                                         ("rope_type", "llama3")])
    else:
        c["head_dim"] = cfg["head_dim"]
        c["rms_norm_eps"] = 1e-6
        if cfg.get("num_experts"):
            c["num_experts"] = cfg["num_experts"]
            c["num_experts_per_tok"] = cfg["num_experts_per_tok"]
            c["moe_intermediate_size"] = cfg["moe_intermediate_size"]
        else:
            c["intermediate_size"] = cfg["hidden_dim"]
    return c


def make_hf(name, cfg, arch, tied, shards, seed):
    torch.manual_seed(seed)
    model = Model(cfg, arch)
    with torch.no_grad():
        for p in model.parameters():   # norms away from 1, so a mix-up of norm weights shows
            if p.dim() == 1:
                p.add_(torch.randn(p.shape) * 0.1)
            p.copy_(p.to(torch.bfloat16).to(torch.float32))   # values exactly representable in BF16
    if tied:
        model.out_head.weight = model.tok_emb.weight
    hf = OrderedDict((k, v.to(torch.bfloat16)) for k, v in hf_state(model, cfg, arch, tied).items())
    d = os.path.join(OUT_DIR, name)
    meta = OrderedDict([("format", "pt")])
    if shards == 1:
        write_safetensors(os.path.join(d, "model.safetensors"), hf, meta)
    else:
        names = list(hf.keys())
        per = (len(names) + shards - 1) // shards
        weight_map, total = OrderedDict(), 0
        for s in range(shards):
            fname = f"model-{s + 1:05d}-of-{shards:05d}.safetensors"
            part = OrderedDict((k, hf[k]) for k in names[s * per:(s + 1) * per])
            write_safetensors(os.path.join(d, fname), part, meta)
            for k, v in part.items():
                weight_map[k] = fname
                total += v.numel() * 2
        write_json(os.path.join(d, "model.safetensors.index.json"),
                   OrderedDict([("metadata", {"total_size": total}), ("weight_map", OrderedDict(sorted(weight_map.items())))]))
    write_json(os.path.join(d, "config.json"), hf_config(cfg, arch, tied))
    g = torch.Generator().manual_seed(seed + 1)
    ids = torch.randint(0, cfg["vocab_size"], (2, 9), generator=g)
    with torch.no_grad():
        logits = model(ids)
    return ids, logits


def main():
    torch.set_num_threads(1)
    os.makedirs(OUT_DIR, exist_ok=True)
    write_safetensors(os.path.join(OUT_DIR, "blocks.safetensors"), make_blocks(),
                      metadata("RoPE, RMSNorm, SiLU, SwiGLU feed-forward and grouped-query attention from the reference code: "
                               "inputs, seeded weights (torch.manual_seed(123)), outputs, gradients of sum(y * w)."))
    models = [("llama_tiny", LLAMA_TINY, "llama", False), ("llama_tiny_tied", LLAMA_TINY, "llama", True),
              ("qwen_tiny", QWEN_TINY, "qwen", True), ("qwen_tiny_untied", QWEN_TINY, "qwen", False),
              ("qwen_moe_tiny", QWEN_MOE_TINY, "qwen", False)]
    for name, cfg, arch, tied in models:
        tensors, meta = make_model(cfg, arch, tied)
        write_safetensors(os.path.join(OUT_DIR, name + ".safetensors"), tensors, meta)
    logits = OrderedDict()
    for name, cfg, arch, tied, shards, seed in (("hf_llama_tiny", LLAMA_TINY, "llama", False, 2, 7),
                                                ("hf_qwen_tiny", QWEN_TINY, "qwen", True, 1, 8),
                                                ("hf_qwen_moe_tiny", QWEN_MOE_TINY, "qwen", False, 1, 9)):
        ids, lg = make_hf(name, cfg, arch, tied, shards, seed)
        logits[name + ".input_ids"], logits[name + ".logits"] = ids, lg
    write_safetensors(os.path.join(OUT_DIR, "hf_logits.safetensors"), logits,
                      metadata("Input ids and the reference model's float32 logits for the BF16 Hugging Face-layout models "
                               "hf_llama_tiny (sharded, untied), hf_qwen_tiny (tied), hf_qwen_moe_tiny."))
    total = 0
    for root, _, files in os.walk(OUT_DIR):
        total += sum(os.path.getsize(os.path.join(root, f)) for f in files)
    assert total <= MAX_TOTAL_BYTES, f"fixtures take {total} bytes"
    print(f"wrote {OUT_DIR} ({total} bytes)")


if __name__ == "__main__":
    ensure_reference_blas()
    main()
