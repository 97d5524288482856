#!/usr/bin/python3
"""The book's chapter-5 pretraining run (section 5.2) in PyTorch, as a reference for ScratchLLM.

Run with Debian's interpreter and Debian's PyTorch (python3-torch 1.13, CPU), with OpenBLAS's
OpenMP build and an AVX-512 OpenBLAS kernel (see docs/torch-reference.md for why the core type
must be forced on this machine):

    env -u OPENBLAS_L2_SIZE OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 scripts/torch_ch05_run.py
    env -u OPENBLAS_L2_SIZE OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 scripts/torch_ch05_run.py --step-timing

Modes:
  (default)       the book's section 5.2 run: torch.manual_seed(123); GPTModel(GPT_CONFIG_124M,
                  context_length 256); AdamW(lr=0.0004, weight_decay=0.1); train_model_simple with
                  num_epochs=10, eval_freq=5, eval_iter=5, start_context "Every effort moves you";
                  prints the book's loss lines and per-epoch samples, then wall times.
  --step-timing   times one training step of the same model on a (2, 256) batch: forward
                  (calc_loss_batch), backward, AdamW step, each a median over --repeats runs after
                  --warmup runs.
  --blas-check    times a 1024x1024x1024 float32 matmul (GFLOP/s) and prints the OpenBLAS core.

tiktoken is not installed on this machine. The token ids come from ScratchLLM's GPT2Tokenizer
(byte-identical to tiktoken's "gpt2" encoding) through scripts/DumpVerdictIds.java, which writes
the book's 90/10 character split of the-verdict.txt, each part tokenized on its own as
GPTDatasetV1 does. If the ids file is missing, this script runs that Java program itself (it
needs "mvn -q compile" to have been run, for target/classes). Decoding of samples uses the
GPT-2 encoder.json and the byte decoder (as the book's bpe_openai_gpt2.py / tiktoken).

Only the standard library and torch are used.
"""

import argparse
import ctypes
import glob
import json
import os
import platform
import statistics
import subprocess
import sys
import time

import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

T_SCRIPT_START = time.perf_counter()

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The book's data folder: SCRATCHLLM_DATA, as for the library (or give --text and --encoder).
DATA_DIR = os.environ.get("SCRATCHLLM_DATA")
DEFAULT_TEXT = os.path.join(DATA_DIR, "the-verdict.txt") if DATA_DIR else None
DEFAULT_ENCODER = os.path.join(DATA_DIR, "gpt2", "encoder.json") if DATA_DIR else None
DEFAULT_IDS = os.path.join(REPO_ROOT, "runs", "torch_ch05", "verdict_ids.json")
# A JDK 21+ for DumpVerdictIds.java: $JAVA_HOME/bin/java, else "java" on PATH.
JAVA = os.path.join(os.environ["JAVA_HOME"], "bin", "java") if os.environ.get("JAVA_HOME") else "java"

# "Every effort moves you" in GPT-2 ids (tiktoken gpt2; checked against the Java tokenizer's
# output in verdict_ids.json when that file carries it, and against the decoder below).
START_CONTEXT = "Every effort moves you"
START_CONTEXT_IDS = [6109, 3626, 6100, 345]

GPT_CONFIG_124M = {
    "vocab_size": 50257,     # Vocabulary size
    "context_length": 256,   # Shortened context length (orig: 1024)
    "emb_dim": 768,          # Embedding dimension
    "n_heads": 12,           # Number of attention heads
    "n_layers": 12,          # Number of layers
    "drop_rate": 0.1,        # Dropout rate
    "qkv_bias": False,       # Query-key-value bias
}


###############################################################################
# The book's modules (chapters 3 and 4), copied from scripts/make_fixtures.py.
#
# Origin: S. Raschka, "Build a Large Language Model (From Scratch)", Manning 2024, code at
# https://github.com/rasbt/LLMs-from-scratch (Apache-2.0): ch04/01_main-chapter-code/gpt.py and
# ch05/01_main-chapter-code/previous_chapters.py. Same submodule names and creation order (so the
# seeded initialisation is the book's) and the same tensor operations in the same order.
###############################################################################

class MultiHeadAttention(nn.Module):
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
        self.register_buffer(
            "mask", torch.triu(torch.ones(context_length, context_length), diagonal=1))

    def forward(self, x):
        b, num_tokens, d_in = x.shape
        keys = self.W_key(x)
        queries = self.W_query(x)
        values = self.W_value(x)

        keys = keys.view(b, num_tokens, self.num_heads, self.head_dim).transpose(1, 2)
        queries = queries.view(b, num_tokens, self.num_heads, self.head_dim).transpose(1, 2)
        values = values.view(b, num_tokens, self.num_heads, self.head_dim).transpose(1, 2)

        attn_scores = queries @ keys.transpose(2, 3)
        mask_bool = self.mask.bool()[:num_tokens, :num_tokens]
        attn_scores.masked_fill_(mask_bool, -torch.inf)
        attn_weights = torch.softmax(attn_scores / keys.shape[-1] ** 0.5, dim=-1)
        attn_weights = self.dropout(attn_weights)

        context_vec = (attn_weights @ values).transpose(1, 2)
        context_vec = context_vec.contiguous().view(b, num_tokens, self.d_out)
        return self.out_proj(context_vec)


class LayerNorm(nn.Module):
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
    def forward(self, x):
        return 0.5 * x * (1 + torch.tanh(
            torch.sqrt(torch.tensor(2.0 / torch.pi)) * (x + 0.044715 * torch.pow(x, 3))))


class FeedForward(nn.Module):
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


def generate_text_simple(model, idx, max_new_tokens, context_size):
    """Chapter 4: greedy decoding without a KV cache."""
    for _ in range(max_new_tokens):
        idx_cond = idx[:, -context_size:]
        with torch.no_grad():
            logits = model(idx_cond)
        logits = logits[:, -1, :]
        probas = torch.softmax(logits, dim=-1)
        idx_next = torch.argmax(probas, dim=-1, keepdim=True)
        idx = torch.cat((idx, idx_next), dim=1)
    return idx


###############################################################################
# Chapter 2's data pipeline (GPTDatasetV1, create_dataloader_v1), fed with precomputed ids.
###############################################################################

class GPTDatasetV1(Dataset):
    """The book's sliding-window dataset; token_ids replaces tokenizer.encode(txt, ...)."""

    def __init__(self, token_ids, max_length, stride):
        self.input_ids = []
        self.target_ids = []
        assert len(token_ids) > max_length, "Number of tokenized inputs must at least be equal to max_length+1"
        for i in range(0, len(token_ids) - max_length, stride):
            input_chunk = token_ids[i:i + max_length]
            target_chunk = token_ids[i + 1: i + max_length + 1]
            self.input_ids.append(torch.tensor(input_chunk))
            self.target_ids.append(torch.tensor(target_chunk))

    def __len__(self):
        return len(self.input_ids)

    def __getitem__(self, idx):
        return self.input_ids[idx], self.target_ids[idx]


def create_dataloader_v1(token_ids, batch_size=4, max_length=256, stride=128,
                         shuffle=True, drop_last=True, num_workers=0):
    dataset = GPTDatasetV1(token_ids, max_length, stride)
    return DataLoader(dataset, batch_size=batch_size, shuffle=shuffle,
                      drop_last=drop_last, num_workers=num_workers)


###############################################################################
# GPT-2 decoding (encoder.json + byte decoder), standing in for tiktoken's decode.
###############################################################################

def bytes_to_unicode():
    """OpenAI's GPT-2 byte <-> printable-character table (encoder.py)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) \
        + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(2 ** 8):
        if b not in bs:
            bs.append(b)
            cs.append(2 ** 8 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


class GPT2Decoder:
    def __init__(self, encoder_json):
        with open(encoder_json, "r", encoding="utf-8") as f:
            encoder = json.load(f)
        self.decoder = {v: k for k, v in encoder.items()}
        self.byte_decoder = {v: k for k, v in bytes_to_unicode().items()}

    def decode(self, ids):
        text = "".join(self.decoder[i] for i in ids)
        return bytearray(self.byte_decoder[c] for c in text).decode("utf-8", errors="replace")


class IdsTokenizer:
    """The few tokenizer calls chapter 5 makes: encode(start_context) and decode(ids)."""

    def __init__(self, decoder, known):
        self.decoder = decoder
        self.known = dict(known)   # text -> ids, for the texts the run encodes

    def encode(self, text):
        return list(self.known[text])

    def decode(self, ids):
        return self.decoder.decode(ids)


def text_to_token_ids(text, tokenizer):
    encoded = tokenizer.encode(text)
    return torch.tensor(encoded).unsqueeze(0)   # add batch dimension


def token_ids_to_text(token_ids, tokenizer):
    flat = token_ids.squeeze(0)                 # remove batch dimension
    return tokenizer.decode(flat.tolist())


###############################################################################
# Chapter 5's functions (ch05/01_main-chapter-code/ch05.ipynb).
###############################################################################

def calc_loss_batch(input_batch, target_batch, model, device):
    input_batch, target_batch = input_batch.to(device), target_batch.to(device)
    logits = model(input_batch)
    loss = torch.nn.functional.cross_entropy(logits.flatten(0, 1), target_batch.flatten())
    return loss


def calc_loss_loader(data_loader, model, device, num_batches=None):
    total_loss = 0.
    if len(data_loader) == 0:
        return float("nan")
    elif num_batches is None:
        num_batches = len(data_loader)
    else:
        num_batches = min(num_batches, len(data_loader))
    for i, (input_batch, target_batch) in enumerate(data_loader):
        if i < num_batches:
            loss = calc_loss_batch(input_batch, target_batch, model, device)
            total_loss += loss.item()
        else:
            break
    return total_loss / num_batches


def evaluate_model(model, train_loader, val_loader, device, eval_iter):
    model.eval()
    with torch.no_grad():
        train_loss = calc_loss_loader(train_loader, model, device, num_batches=eval_iter)
        val_loss = calc_loss_loader(val_loader, model, device, num_batches=eval_iter)
    model.train()
    return train_loss, val_loss


def generate_and_print_sample(model, tokenizer, device, start_context):
    model.eval()
    context_size = model.pos_emb.weight.shape[0]
    encoded = text_to_token_ids(start_context, tokenizer).to(device)
    with torch.no_grad():
        token_ids = generate_text_simple(
            model=model, idx=encoded,
            max_new_tokens=50, context_size=context_size)
    decoded_text = token_ids_to_text(token_ids, tokenizer)
    print(decoded_text.replace("\n", " "))  # Compact print format
    model.train()
    return token_ids


class PhaseTimes:
    """Wall-time bookkeeping added to the book's loop (does not touch RNG or tensors)."""

    def __init__(self):
        self.train_steps = 0.0
        self.step_count = 0
        self.evals = 0.0
        self.eval_count = 0
        self.samples = 0.0
        self.sample_count = 0
        self.sample_ids = []


def train_model_simple(model, train_loader, val_loader, optimizer, device, num_epochs,
                       eval_freq, eval_iter, start_context, tokenizer, times=None):
    # Initialize lists to track losses and tokens seen
    train_losses, val_losses, track_tokens_seen = [], [], []
    tokens_seen, global_step = 0, -1
    if times is None:
        times = PhaseTimes()

    # Main training loop
    for epoch in range(num_epochs):
        model.train()  # Set model to training mode

        t_load = time.perf_counter()
        for input_batch, target_batch in train_loader:
            t0 = time.perf_counter()
            optimizer.zero_grad()  # Reset loss gradients from previous batch iteration
            loss = calc_loss_batch(input_batch, target_batch, model, device)
            loss.backward()  # Calculate loss gradients
            optimizer.step()  # Update model weights using loss gradients
            tokens_seen += input_batch.numel()
            global_step += 1
            t1 = time.perf_counter()
            times.train_steps += t1 - t_load     # includes fetching the batch
            times.step_count += 1

            # Optional evaluation step
            if global_step % eval_freq == 0:
                train_loss, val_loss = evaluate_model(
                    model, train_loader, val_loader, device, eval_iter)
                train_losses.append(train_loss)
                val_losses.append(val_loss)
                track_tokens_seen.append(tokens_seen)
                print(f"Ep {epoch+1} (Step {global_step:06d}): "
                      f"Train loss {train_loss:.3f}, Val loss {val_loss:.3f}", flush=True)
                times.evals += time.perf_counter() - t1
                times.eval_count += 1
            t_load = time.perf_counter()

        # Print a sample text after each epoch
        t2 = time.perf_counter()
        ids = generate_and_print_sample(model, tokenizer, device, start_context)
        sys.stdout.flush()
        times.samples += time.perf_counter() - t2
        times.sample_count += 1
        times.sample_ids.append(ids.squeeze(0).tolist())

    return train_losses, val_losses, track_tokens_seen


###############################################################################
# Environment and data helpers
###############################################################################

def openblas_info():
    """(corename, config) of the OpenBLAS the process has loaded, or None."""
    libs = set()
    with open("/proc/self/maps") as f:
        for line in f:
            path = line.split()[-1]
            if "openblas" in path and path.endswith(".so") or "libopenblas" in path:
                libs.add(path)
    for path in sorted(libs):
        try:
            lib = ctypes.CDLL(path)
            lib.openblas_get_corename.restype = ctypes.c_char_p
            lib.openblas_get_config.restype = ctypes.c_char_p
            return path, lib.openblas_get_corename().decode(), lib.openblas_get_config().decode()
        except (OSError, AttributeError):
            continue
    return None


def print_environment():
    print(f"python {platform.python_version()} ({sys.executable}), torch {torch.__version__}, "
          f"threads {torch.get_num_threads()} (interop {torch.get_num_interop_threads()})")
    info = openblas_info()
    if info:
        print(f"OpenBLAS: {info[0]}; core {info[1]}; {info[2]}")
    else:
        print("OpenBLAS: not loaded (torch uses another BLAS)")
    print("env: OPENBLAS_CORETYPE=%s OPENBLAS_L2_SIZE=%s OMP_NUM_THREADS=%s" % (
        os.environ.get("OPENBLAS_CORETYPE"), os.environ.get("OPENBLAS_L2_SIZE"),
        os.environ.get("OMP_NUM_THREADS")))
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    cap = [l.split(":", 1)[1].strip() for l in torch.__config__.show().splitlines()
           if "CPU capability usage" in l]
    print(f"cpu: {cpu}, {os.cpu_count()} logical CPUs; torch CPU capability: "
          f"{cap[0] if cap else '?'}")
    print("load average at start: %.2f %.2f %.2f" % os.getloadavg(), flush=True)


def load_ids(path, text_path):
    if not os.path.exists(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        classes = os.path.join(REPO_ROOT, "target", "classes")
        if not os.path.isdir(classes):
            sys.exit(f"{path} is missing and {classes} does not exist: run 'mvn -q compile' first")
        cmd = [JAVA, "-cp", classes, os.path.join(REPO_ROOT, "scripts", "DumpVerdictIds.java"),
               text_path, path]
        print("running:", " ".join(cmd), flush=True)
        subprocess.run(cmd, check=True)
    with open(path, "r", encoding="utf-8") as f:
        data = json.load(f)
    return data


###############################################################################
# Modes
###############################################################################

def run_book(args):
    device = torch.device("cpu")
    data = load_ids(args.ids, args.text)
    train_ids, val_ids = data["train_ids"], data["val_ids"]
    known = {START_CONTEXT: data.get("start_context_ids", START_CONTEXT_IDS)}
    assert known[START_CONTEXT] == START_CONTEXT_IDS, known
    tokenizer = IdsTokenizer(GPT2Decoder(args.encoder), known)
    assert tokenizer.decode(START_CONTEXT_IDS) == START_CONTEXT
    print(f"Characters: {data['chars']} (split at {data['split_idx']}), "
          f"Tokens: {data['all_tokens']} (train part {len(train_ids)}, val part {len(val_ids)})")

    # Section 5.1.3: the loaders (created after torch.manual_seed(123), as in the book; creating
    # them draws no random numbers).
    torch.manual_seed(123)
    train_loader = create_dataloader_v1(
        train_ids, batch_size=2, max_length=GPT_CONFIG_124M["context_length"],
        stride=GPT_CONFIG_124M["context_length"], drop_last=True, shuffle=True, num_workers=0)
    val_loader = create_dataloader_v1(
        val_ids, batch_size=2, max_length=GPT_CONFIG_124M["context_length"],
        stride=GPT_CONFIG_124M["context_length"], drop_last=False, shuffle=False, num_workers=0)
    print(f"Train loader: {len(train_loader)} batches, Validation loader: {len(val_loader)} batches")

    if args.initial_losses:
        # Section 5.1.3's check: the untrained model (seed 123, eval mode) over all batches.
        t0 = time.perf_counter()
        torch.manual_seed(123)
        model = GPTModel(GPT_CONFIG_124M)
        model.eval()
        torch.manual_seed(123)
        with torch.no_grad():
            train_loss = calc_loss_loader(train_loader, model, device)
            val_loss = calc_loss_loader(val_loader, model, device)
        print(f"Training loss: {train_loss}")
        print(f"Validation loss: {val_loss}")
        print(f"(initial losses took {time.perf_counter() - t0:.1f} s)", flush=True)
        del model

    # Section 5.2
    start_time = time.time()
    torch.manual_seed(123)
    model = GPTModel(GPT_CONFIG_124M)
    model.to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=0.0004, weight_decay=0.1)
    t_setup = time.time() - start_time

    times = PhaseTimes()
    t_train0 = time.perf_counter()
    train_losses, val_losses, tokens_seen = train_model_simple(
        model, train_loader, val_loader, optimizer, device,
        num_epochs=args.epochs, eval_freq=5, eval_iter=5,
        start_context=START_CONTEXT, tokenizer=tokenizer, times=times)
    t_train = time.perf_counter() - t_train0
    end_time = time.time()
    execution_time_minutes = (end_time - start_time) / 60
    print(f"Training completed in {execution_time_minutes:.2f} minutes.")

    print()
    print(f"train_model_simple wall time: {t_train:.1f} s "
          f"(model + optimizer creation before it: {t_setup:.1f} s)")
    print(f"  training steps: {times.train_steps:.1f} s for {times.step_count} steps "
          f"({times.train_steps / max(1, times.step_count):.3f} s/step, batch fetch included)")
    print(f"  evaluations:    {times.evals:.1f} s for {times.eval_count} "
          f"({times.evals / max(1, times.eval_count):.2f} s each: 5 train + 1 val batches, no grad)")
    print(f"  samples:        {times.samples:.1f} s for {times.sample_count} "
          f"({times.samples / max(1, times.sample_count):.2f} s each: 50 greedy tokens)")
    print(f"tokens seen: {tokens_seen[-1] if tokens_seen else 0}")
    print("train losses:", " ".join(f"{x:.4f}" for x in train_losses))
    print("val losses:  ", " ".join(f"{x:.4f}" for x in val_losses))
    print("sample ids per epoch (start context included):")
    for e, ids in enumerate(times.sample_ids, 1):
        print(f"  ep {e}: {ids}")
    print("load average at end: %.2f %.2f %.2f" % os.getloadavg())
    print(f"whole script wall time: {time.perf_counter() - T_SCRIPT_START:.1f} s")


def run_step_timing(args):
    device = torch.device("cpu")
    torch.manual_seed(123)
    model = GPTModel(GPT_CONFIG_124M)
    model.to(device)
    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=0.0004, weight_decay=0.1)
    n_params = sum(p.numel() for p in model.parameters())
    ctx = GPT_CONFIG_124M["context_length"]
    g = torch.Generator().manual_seed(456)
    batch = torch.randint(0, GPT_CONFIG_124M["vocab_size"], (2, ctx + 1), generator=g)
    input_batch, target_batch = batch[:, :-1], batch[:, 1:]
    print(f"model: {n_params:,} parameters; batch {tuple(input_batch.shape)}; "
          f"warm-up {args.warmup}, timed {args.repeats}", flush=True)

    fwd, bwd, opt, zero, total, loads = [], [], [], [], [], []
    for i in range(args.warmup + args.repeats):
        t0 = time.perf_counter()
        optimizer.zero_grad()
        t1 = time.perf_counter()
        loss = calc_loss_batch(input_batch, target_batch, model, device)
        t2 = time.perf_counter()
        loss.backward()
        t3 = time.perf_counter()
        optimizer.step()
        t4 = time.perf_counter()
        tag = "warm-up" if i < args.warmup else "timed"
        print(f"  {tag} {i}: zero_grad {t1 - t0:.3f} s, forward {t2 - t1:.3f} s, "
              f"backward {t3 - t2:.3f} s, AdamW step {t4 - t3:.3f} s, total {t4 - t0:.3f} s, "
              f"loss {loss.item():.4f}, load {os.getloadavg()[0]:.2f}", flush=True)
        if i >= args.warmup:
            zero.append(t1 - t0)
            fwd.append(t2 - t1)
            bwd.append(t3 - t2)
            opt.append(t4 - t3)
            total.append(t4 - t0)
            loads.append(os.getloadavg()[0])
    med = statistics.median
    print(f"median over {args.repeats}: forward {med(fwd):.3f} s, backward {med(bwd):.3f} s, "
          f"forward+backward {med([a + b for a, b in zip(fwd, bwd)]):.3f} s, "
          f"AdamW step {med(opt):.3f} s, zero_grad {med(zero):.4f} s, whole step {med(total):.3f} s")
    print(f"min over {args.repeats}:    forward {min(fwd):.3f} s, backward {min(bwd):.3f} s, "
          f"AdamW step {min(opt):.3f} s, whole step {min(total):.3f} s")
    print("load average (1 min) during timed runs: %.2f .. %.2f" % (min(loads), max(loads)))


def run_blas_check(args):
    n = 1024
    a = torch.randn(n, n)
    b = torch.randn(n, n)
    for _ in range(3):
        a @ b
    ts = []
    for _ in range(args.repeats * 4):
        t0 = time.perf_counter()
        a @ b
        ts.append(time.perf_counter() - t0)
    flops = 2 * n ** 3
    print(f"matmul {n}^3 float32: median {flops / statistics.median(ts) / 1e9:.0f} GFLOP/s, "
          f"best {flops / min(ts) / 1e9:.0f} GFLOP/s over {len(ts)} runs")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--step-timing", action="store_true", help="time one training step (see above)")
    p.add_argument("--blas-check", action="store_true", help="time a 1024^3 matmul")
    p.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2)")
    p.add_argument("--warmup", type=int, default=2, help="step timing: untimed steps (default 2)")
    p.add_argument("--repeats", type=int, default=5, help="step timing: timed steps (default 5)")
    p.add_argument("--epochs", type=int, default=10, help="book run: num_epochs (default 10)")
    p.add_argument("--no-initial-losses", dest="initial_losses", action="store_false",
                   help="book run: skip section 5.1.3's initial-loss check")
    p.add_argument("--ids", default=DEFAULT_IDS, help="token ids JSON from DumpVerdictIds.java")
    p.add_argument("--text", default=DEFAULT_TEXT, help="the-verdict.txt (for DumpVerdictIds; default: in $SCRATCHLLM_DATA)")
    p.add_argument("--encoder", default=DEFAULT_ENCODER, help="GPT-2 encoder.json (for decoding; default: $SCRATCHLLM_DATA/gpt2)")
    args = p.parse_args()
    if not args.blas_check and not args.step_timing and (args.encoder is None or (args.text is None and not os.path.exists(args.ids))):
        p.error("the book run needs the book's data: set SCRATCHLLM_DATA to the folder holding the-verdict.txt and gpt2/encoder.json, "
                "or pass --text and --encoder")

    torch.set_num_threads(args.threads)
    print_environment()
    if args.blas_check:
        run_blas_check(args)
    elif args.step_timing:
        run_step_timing(args)
    else:
        run_book(args)


if __name__ == "__main__":
    main()
