#!/usr/bin/env python3
"""Writes src/test/resources/fixtures/book_print.json: what PyTorch prints for the last book outputs
that ScratchLLM had to learn (int64 matmul, bincount with minlength, the book's modules' repr).

Run with Debian's interpreter and python3-torch:  /usr/bin/python3 scripts/make_book_print_fixtures.py
The Java test BookPrintTest builds the same tensors and modules and compares toString() with these
strings. Every input is explicit (no random numbers); the modules below only reproduce the book's
module *layout* (attribute names, child modules, no extra_repr), which is all that printing shows.
"""
import json, os, torch
import torch.nn as nn

cases = {}
def case(name, value):
    cases[name] = str(value)

# int64 matmul (appendix A: tensor2d.matmul(tensor2d.T) and tensor2d @ tensor2d.T)
t2 = torch.tensor([[1, 2, 3], [4, 5, 6]])
case("matmul_int64_2d", t2.matmul(t2.T))
case("matmul_int64_at", t2 @ t2.T)
case("matmul_int64_vec_mat", torch.tensor([1, -2]) @ t2)
case("matmul_int64_mat_vec", t2 @ torch.tensor([7, 8, 9]))
case("matmul_int64_dot", torch.tensor([1, 2, 3]) @ torch.tensor([4, 5, 6]))
case("matmul_int64_batched", torch.arange(24).reshape(2, 3, 4) @ torch.arange(8).reshape(4, 2))
case("matmul_int64_broadcast", torch.arange(12).reshape(2, 1, 2, 3) @ torch.arange(18).reshape(3, 3, 2).transpose(1, 2).transpose(1, 2))
case("matmul_int64_big", torch.tensor([[3000000000, 1]]) @ torch.tensor([[3], [5]]))

# bincount (chapter 5's print_sampled_tokens passes minlength=len(probas))
ids = torch.tensor([3, 0, 3, 7, 3])
case("bincount", torch.bincount(ids))
case("bincount_minlength", torch.bincount(ids, minlength=9))
case("bincount_minlength_small", torch.bincount(ids, minlength=2))

# the book's modules (no extra_repr): the layout of chapter 3's and chapter 4's classes
class LayerNorm(nn.Module):
    def __init__(self, emb_dim):
        super().__init__()
        self.eps = 1e-5
        self.scale = nn.Parameter(torch.ones(emb_dim))
        self.shift = nn.Parameter(torch.zeros(emb_dim))

class SelfAttention_v1(nn.Module):
    def __init__(self, d_in, d_out):
        super().__init__()
        self.W_query = nn.Parameter(torch.zeros(d_in, d_out))
        self.W_key = nn.Parameter(torch.zeros(d_in, d_out))
        self.W_value = nn.Parameter(torch.zeros(d_in, d_out))

class CausalAttention(nn.Module):
    def __init__(self, d_in, d_out, context_length, dropout, qkv_bias=False):
        super().__init__()
        self.d_out = d_out
        self.W_query = nn.Linear(d_in, d_out, bias=qkv_bias)
        self.W_key = nn.Linear(d_in, d_out, bias=qkv_bias)
        self.W_value = nn.Linear(d_in, d_out, bias=qkv_bias)
        self.dropout = nn.Dropout(dropout)
        self.register_buffer("mask", torch.triu(torch.ones(context_length, context_length), diagonal=1))

class MultiHeadAttention(nn.Module):
    def __init__(self, d_in, d_out, context_length, dropout, num_heads, qkv_bias=False):
        super().__init__()
        self.W_query = nn.Linear(d_in, d_out, bias=qkv_bias)
        self.W_key = nn.Linear(d_in, d_out, bias=qkv_bias)
        self.W_value = nn.Linear(d_in, d_out, bias=qkv_bias)
        self.out_proj = nn.Linear(d_out, d_out)
        self.dropout = nn.Dropout(dropout)
        self.register_buffer("mask", torch.triu(torch.ones(context_length, context_length), diagonal=1))

class GELU(nn.Module):
    pass

class FeedForward(nn.Module):
    def __init__(self, emb_dim):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(emb_dim, 4 * emb_dim), GELU(), nn.Linear(4 * emb_dim, emb_dim))

class TransformerBlock(nn.Module):
    def __init__(self, emb_dim, context_length, n_heads, drop_rate, qkv_bias):
        super().__init__()
        self.att = MultiHeadAttention(emb_dim, emb_dim, context_length, drop_rate, n_heads, qkv_bias)
        self.ff = FeedForward(emb_dim)
        self.norm1 = LayerNorm(emb_dim)
        self.norm2 = LayerNorm(emb_dim)
        self.drop_shortcut = nn.Dropout(drop_rate)

case("layer_norm", LayerNorm(5))
case("self_attention_v1", SelfAttention_v1(3, 2))
case("causal_attention", CausalAttention(3, 2, 6, 0.0))
case("multi_head_attention", MultiHeadAttention(768, 768, 1024, 0.1, 12, qkv_bias=True))
# exercise 4.1 prints a block of GPT_CONFIG_124M (context 1024, 12 heads, drop 0.1, no qkv bias)
case("transformer_block_124m", TransformerBlock(768, 1024, 12, 0.1, False))

out = os.path.join(os.path.dirname(__file__), "..", "src", "test", "resources", "fixtures", "book_print.json")
with open(out, "w") as f:
    json.dump({"torch_version": torch.__version__, "cases": cases}, f, indent=1, sort_keys=False)
    f.write("\n")
print("wrote", len(cases), "cases to", os.path.relpath(out))
