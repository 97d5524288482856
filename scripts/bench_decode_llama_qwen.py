#!/usr/bin/python3
"""Decode speed of Llama 3.2 1B and Qwen3 0.6B shapes: ScratchLLM vs the PyTorch reference.

Both sides build the model with random weights of the real shapes (speed does not depend on the
values), float32, output head tied to the embedding, RoPE tables for 1024 positions, and decode
greedily with a KV cache: after a prompt of P tokens, each step feeds one token. A step's time is
the median over the steps of one round. The Java side runs each path named by --paths: the
inference path RoPEInference in float32 (f32, sharing the model's arrays), bf16 and q8_0, and the
autograd model's own KV-cached forward (autograd). Each round runs PyTorch and every Java path
once, in reversed order every other round, and measures the read bandwidth (a 256 MiB sum); the
script prints each round's tokens/s, then the medians of: tokens/s, the per-round ratios to
PyTorch and to the autograd path, and the fraction of the bandwidth bound (tokens/s divided by
bandwidth / bytes read per token, weights plus cache).

The PyTorch side is the reference architecture (pkg/llms_from_scratch/kv_cache/{llama3,qwen3}.py,
written out in make_llama_qwen_fixtures.py), run with torch.set_num_threads(T) under no_grad. The
Java side is dev.scratchllm.bench.DecodeSpeed, run with the project's JVM flags.

Run from the repository root after `mvn -q test-compile` with Debian's interpreter:

    /usr/bin/python3 scripts/bench_decode_llama_qwen.py --model qwen3-0.6b --threads 1 --rounds 5 \
        --paths f32,bf16,q8_0,autograd
"""

import argparse
import glob
import os
import statistics
import subprocess
import sys
import tempfile
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_llama_qwen_fixtures import KVCache, Model  # noqa: E402

CONFIGS = {
    "qwen3-0.6b": ("qwen", {"vocab_size": 151_936, "context_length": 1024, "emb_dim": 1024, "n_heads": 16, "n_layers": 28,
                            "hidden_dim": 3072, "head_dim": 128, "qk_norm": True, "n_kv_groups": 8, "rope_base": 1_000_000.0}),
    "llama3.2-1b": ("llama", {"vocab_size": 128_256, "context_length": 1024, "emb_dim": 2048, "n_heads": 32, "n_layers": 16,
                              "hidden_dim": 8192, "n_kv_groups": 8, "rope_base": 500_000.0,
                              "rope_freq": {"factor": 32.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                                            "original_context_length": 8192}}),
}


def classpath():
    out = subprocess.run(["mvn", "-q", "-B", "dependency:build-classpath", "-Dmdep.outputFile=/dev/stdout",
                          "-Dmdep.includeScope=test"], capture_output=True, text=True, check=True).stdout
    import re
    line = re.sub(r"\x1b\[[0-9;]*m", "", out.strip().splitlines()[-1])   # mvn may colour its output
    return "target/test-classes:target/classes:" + line


def java_bin():
    for cand in sorted(glob.glob("/usr/lib/jvm/*25*/bin/java")) + sorted(glob.glob("/usr/lib/jvm/*2[1-9]*/bin/java")):
        return cand
    return "java"


def torch_round(model, prompt, steps):
    ids = torch.tensor([[(i * 7919) % 100_000 for i in range(prompt)]])
    times = []
    with torch.no_grad():
        cache = KVCache(model.cfg["n_layers"])
        model.reset_kv_cache()
        logits = model(ids, cache=cache)
        for _ in range(steps):
            t = time.perf_counter()
            nxt = logits[:, -1].argmax(dim=-1, keepdim=True)
            logits = model(nxt, cache=cache)
            times.append((time.perf_counter() - t) * 1e3)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", choices=sorted(CONFIGS), default="qwen3-0.6b")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--prompt", type=int, default=16)
    ap.add_argument("--steps", type=int, default=16)
    ap.add_argument("--heap", default="7g")
    ap.add_argument("--java-footing", default="-XX:+UseTransparentHugePages",
                    help="the JVM's page footing: the CLI's huge pages (default), or --java-footing=-XX:-UseTransparentHugePages")
    ap.add_argument("--paths", default="f32,bf16,q8_0,autograd",
                    help="Java paths, comma-separated: f32, bf16, q8_0 (RoPEInference) and autograd (the model's own forward)")
    ap.add_argument("--layers", type=int, default=0,
                    help="build only this many blocks (real shapes; for machines without memory for the whole model)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    arch, cfg = CONFIGS[args.model]
    cfg = dict(cfg)
    if args.layers:
        cfg["n_layers"] = args.layers
    jvm = subprocess.Popen([java_bin(), "--add-modules", "jdk.incubator.vector", "-XX:+UseG1GC", "-XX:G1HeapRegionSize=1m",
                            args.java_footing,  # the CLI's footing by default (the pom's heap.flags)
                            f"-Xms{args.heap}", f"-Xmx{args.heap}", "-cp", classpath(), "dev.scratchllm.bench.DecodeSpeed",
                            args.model, str(args.threads), str(args.layers), "f32"],
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=open(os.path.join(tempfile.gettempdir(), "decode-speed-java.log"), "w"), text=True)
    print("# java:", jvm.stdout.readline().strip())
    torch.manual_seed(123)
    model = Model(cfg, arch)
    model.out_head.weight = model.tok_emb.weight
    model.eval()
    print(f"# torch {torch.__version__}, {args.threads} threads; {args.model}, {cfg['n_layers']} layers; prompt {args.prompt}, "
          f"median of {args.steps} single-token steps per round")

    paths = args.paths.split(",")

    def ask(line):
        jvm.stdin.write(line + "\n")
        jvm.stdin.flush()
        return float(jvm.stdout.readline())

    def java_round(path):
        return ask(f"run {args.prompt} {args.steps} {path}")

    for p in paths:                                          # warm-up (and conversion to bf16 / q8_0)
        java_round(p)
    torch_round(model, args.prompt, 2)
    nbytes = {p: ask(f"bytes {p} {args.prompt + args.steps // 2}") for p in paths if p != "autograd"}
    ms = {p: [] for p in ["torch"] + paths}
    bws = []
    for r in range(args.rounds):
        bws.append(ask("bw"))
        order = ["torch"] + paths
        if r % 2 == 1:
            order.reverse()
        for p in order:
            ms[p].append(torch_round(model, args.prompt, args.steps) if p == "torch" else java_round(p))
        print(f"round {r}: " + "  ".join(f"{p} {1e3 / ms[p][-1]:6.2f} tok/s" for p in ["torch"] + paths)
              + f"  bandwidth {bws[-1]:.1f} GB/s", flush=True)
    med = statistics.median
    print(f"median bandwidth {med(bws):.1f} GB/s; PyTorch {1e3 / med(ms['torch']):.2f} tok/s")
    for p in paths:
        line = f"{p:9s} {1e3 / med(ms[p]):7.2f} tok/s  vs PyTorch {med([t / j for t, j in zip(ms['torch'], ms[p])]):5.2f}x"
        if "autograd" in paths and p != "autograd":
            line += f"  vs autograd {med([a / j for a, j in zip(ms['autograd'], ms[p])]):5.2f}x"
        if p in nbytes:
            line += (f"  {nbytes[p] / 1e6:8.1f} MB/token  fraction of bound "
                     f"{med([(1e3 / j) / (bw * 1e9 / nbytes[p]) for j, bw in zip(ms[p], bws)]):.2f}")
        print(line, flush=True)
    jvm.stdin.write("quit\n")
    jvm.stdin.close()
    jvm.wait()


if __name__ == "__main__":
    main()
