#!/usr/bin/python3
"""Write extra PyTorch RNG reference values for dev.scratchllm.random's tests.

Run with Debian's interpreter and Debian's PyTorch (python3-torch 1.13.1, CPU, no MKL):

    /usr/bin/python3 scripts/make_rng_fixtures.py

Output: src/test/resources/dev/scratchllm/random/torch-rng-extra.json. It complements the
spec's torch-rng-vectors.json (shared/docs, copied next to it) with what that file does not
cover: the generator state bytes (get_rng_state / set_rng_state), multinomial with replacement
and with several samples, 2-D multinomial, randint over small and 64-bit ranges, int32
random_, the float64 normal block path, normal_ on a non-contiguous tensor, exponential_ with
a rate, bernoulli with a probability tensor, dropout of negative inputs, seeds that wrap, the
DataLoader's draws with and without shuffling, nn.Linear for several fan-ins, and large
randn/normal_ outputs (as SHA-256 of their little-endian bytes).

Each entry is made right after torch.manual_seed(entry["seed"]) and holds "code" (what ran),
"dtype" and one of: "bits" (hex IEEE patterns), "values" (integers), "sha256" with "numel"
and "head_bits" (the first 4 patterns), or "state_hex" (get_rng_state() bytes). Float64
entries computed through libm log/sin/cos carry "tolerance_ulp" (1 or 2) and "tolerance_why". Inputs that
come from another torch op are given as "input_bits" / "probs_bits". The output is deterministic. Tests never run
this script; the JSON is committed.
"""

import hashlib
import json
import os
import struct

import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(REPO_ROOT, "src", "test", "resources", "dev", "scratchllm", "random",
                   "torch-rng-extra.json")

entries = {}


def f32_bits(t):
    return ["0x%08x" % struct.unpack("<I", struct.pack("<f", float(v)))[0] for v in t.flatten().tolist()]


def f64_bits(t):
    return ["0x%016x" % struct.unpack("<Q", struct.pack("<d", float(v)))[0] for v in t.flatten().tolist()]


def floats(name, seed, code, fn):
    torch.manual_seed(seed)
    t = fn()
    dtype = {torch.float32: "float32", torch.float64: "float64"}[t.dtype]
    bits = f32_bits(t) if dtype == "float32" else f64_bits(t)
    entries[name] = {"seed": seed, "code": code, "dtype": dtype, "bits": bits}


def ints(name, seed, code, fn):
    torch.manual_seed(seed)
    v = fn()
    if isinstance(v, torch.Tensor):
        v = v.flatten().tolist()
    entries[name] = {"seed": seed, "code": code, "dtype": "int64", "values": [int(x) for x in v]}


def digest(name, seed, code, fn):
    torch.manual_seed(seed)
    t = fn().contiguous()
    dtype = {torch.float32: "float32", torch.float64: "float64"}[t.dtype]
    raw = t.numpy().astype("<f4" if dtype == "float32" else "<f8").tobytes()
    head = f32_bits(t.flatten()[:4]) if dtype == "float32" else f64_bits(t.flatten()[:4])
    entries[name] = {"seed": seed, "code": code, "dtype": dtype, "numel": t.numel(),
                     "sha256": hashlib.sha256(raw).hexdigest(), "head_bits": head}


def state(name, seed, code, fn):
    torch.manual_seed(seed)
    fn()
    s = torch.get_rng_state()
    entries[name] = {"seed": seed, "code": code, "dtype": "uint8", "state_hex": bytes(s.tolist()).hex()}


# ---- uniform, normal ------------------------------------------------------------------------
floats("uniform_f64_m2_3_n7", 123, "torch.empty(7, dtype=torch.float64).uniform_(-2, 3)",
       lambda: torch.empty(7, dtype=torch.float64).uniform_(-2, 3))
floats("uniform_f32_1_1_n3", 123, "torch.empty(3).uniform_(1, 1)  # from == to",
       lambda: torch.empty(3).uniform_(1, 1))
floats("normal_1.5_0.5_n7", 123, "torch.empty(7).normal_(1.5, 0.5)  # scalar path with mean/std",
       lambda: torch.empty(7).normal_(1.5, 0.5))
floats("normal_1.5_0.5_n37", 789, "torch.empty(37).normal_(1.5, 0.5)  # block path, tail of 5",
       lambda: torch.empty(37).normal_(1.5, 0.5))
floats("randn33_f64", 123, "torch.randn(33, dtype=torch.float64)  # float64 block path + tail",
       lambda: torch.randn(33, dtype=torch.float64))
floats("randn16_f64", 789, "torch.randn(16, dtype=torch.float64)", lambda: torch.randn(16, dtype=torch.float64))
floats("normal_noncontig_5x4_t", 123,
       "x = torch.empty(5, 4); x.t().normal_(); x.flatten()  # 20 elements, not contiguous: scalar path, memory order",
       lambda: (lambda x: (x.t().normal_(), x)[1])(torch.empty(5, 4)))
floats("randn2_randn16_randn1", 123,
       "cat(randn(2) [leaves no spare], randn(16) [block path, ignores spare], randn(1) [new pair])",
       lambda: torch.cat([torch.randn(2), torch.randn(16), torch.randn(1)]))
floats("randn1_randn16_randn1", 123,
       "cat(randn(1) [leaves a spare], randn(16) [block path, keeps it], randn(1) [uses it])",
       lambda: torch.cat([torch.randn(1), torch.randn(16), torch.randn(1)]))
digest("randn1003", 123, "torch.randn(1003)", lambda: torch.randn(1003))
digest("randn1000000", 2024, "torch.randn(1000000)", lambda: torch.randn(1000000))
digest("normal_0.5_2_n100003", 7, "torch.empty(100003).normal_(0.5, 2.0)",
       lambda: torch.empty(100003).normal_(0.5, 2.0))
floats("randn256_f64", 123, "torch.randn(256, dtype=torch.float64)", lambda: torch.randn(256, dtype=torch.float64))
digest("rand100000", 5, "torch.rand(100000)", lambda: torch.rand(100000))

# float64 normals and exponentials go through glibc's log/sin/cos; Java uses StrictMath (fdlibm),
# which differs from glibc by one ulp in a few percent of arguments (see the Java test)
LIBM_WHY = ("float64 result of glibc log/sin/cos; Java's StrictMath (fdlibm) differs from glibc by 1 ulp "
            "for a few percent of arguments")
for name in ["randn33_f64", "randn16_f64", "randn256_f64"]:
    entries[name]["tolerance_ulp"] = 2   # sqrt(-2 log u1) * cos(theta): a log ulp and a cos ulp
    entries[name]["tolerance_why"] = LIBM_WHY

# ---- integers -------------------------------------------------------------------------------
ints("randint_0_10_n8", 123, "torch.randint(0, 10, (8,))", lambda: torch.randint(0, 10, (8,)))
ints("randint_m5_5_n8", 123, "torch.randint(-5, 5, (8,))", lambda: torch.randint(-5, 5, (8,)))
ints("randint_0_2p32m1_n6", 123, "torch.randint(0, 2**32 - 1, (6,))  # range < 2^32: one word",
     lambda: torch.randint(0, 2**32 - 1, (6,)))
ints("randint_0_2p32_n6", 123, "torch.randint(0, 2**32, (6,))  # range 2^32: random64",
     lambda: torch.randint(0, 2**32, (6,)))
ints("randint_m2p40_2p40_n6", 789, "torch.randint(-2**40, 2**40, (6,))",
     lambda: torch.randint(-2**40, 2**40, (6,)))
ints("randint_m2p62_2p62_n4", 123, "torch.randint(-2**62, 2**62, (4,))",
     lambda: torch.randint(-2**62, 2**62, (4,)))
ints("int32_random_n5", 123, "torch.empty(5, dtype=torch.int32).random_()",
     lambda: torch.empty(5, dtype=torch.int32).random_())
ints("int64_random_n3", 789, "torch.empty(3, dtype=torch.int64).random_()",
     lambda: torch.empty(3, dtype=torch.int64).random_())
ints("randperm100", 123, "torch.randperm(100)", lambda: torch.randperm(100))
ints("randperm1_randperm0_then_randint", 123, "randperm(1), randperm(0) draw nothing: then randint(0, 1000, (2,))",
     lambda: torch.cat([torch.randperm(1), torch.randperm(0), torch.randint(0, 1000, (2,))]))

# ---- exponential, bernoulli, dropout --------------------------------------------------------
floats("exponential_l2.5_n7", 123, "torch.empty(7).exponential_(2.5)", lambda: torch.empty(7).exponential_(2.5))
floats("exponential_f64_n5", 789, "torch.empty(5, dtype=torch.float64).exponential_()",
       lambda: torch.empty(5, dtype=torch.float64).exponential_())
entries["exponential_f64_n5"]["tolerance_ulp"] = 1
entries["exponential_f64_n5"]["tolerance_why"] = LIBM_WHY
floats("bernoulli_probs_linspace11", 123, "torch.bernoulli(torch.linspace(0, 1, 11))",
       lambda: torch.bernoulli(torch.linspace(0, 1, 11)))
floats("bernoulli_p0.5_n20", 789, "torch.empty(20).bernoulli_(0.5)", lambda: torch.empty(20).bernoulli_(0.5))
floats("dropout0.3_linspace20", 123, "F.dropout(torch.linspace(-1, 1, 20), 0.3, training=True)  # -0.0 where dropped",
       lambda: F.dropout(torch.linspace(-1, 1, 20), 0.3, training=True))
entries["bernoulli_probs_linspace11"]["input_bits"] = f32_bits(torch.linspace(0, 1, 11))
entries["dropout0.3_linspace20"]["input_bits"] = f32_bits(torch.linspace(-1, 1, 20))
floats("dropout_eval_p0_p1_then_rand2", 123,
       "F.dropout(x, 0.5, training=False), F.dropout(x, 0.0), F.dropout(x, 1.0) draw nothing: then torch.rand(2)",
       lambda: (F.dropout(torch.ones(4), 0.5, training=False), F.dropout(torch.ones(4), 0.0),
                F.dropout(torch.ones(4), 1.0), torch.rand(2))[3])

# ---- multinomial ----------------------------------------------------------------------------
P5 = [0.1, 0.2, 0.3, 0.4, 0.5]
ints("multinomial_k3_x4", 123, "[torch.multinomial(torch.tensor(%s), 3) for _ in range(4)]" % P5,
     lambda: [i for _ in range(4) for i in torch.multinomial(torch.tensor(P5), 3).tolist()])
ints("multinomial_k5_of5", 789, "torch.multinomial(torch.tensor(%s), 5)  # a full permutation" % P5,
     lambda: torch.multinomial(torch.tensor(P5), 5))
P2D = [[0.5, 0.1, 0.0, 2.0, 1.0, 0.25], [3.0, 1.0, 1.0, 0.5, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 1.0, 0.0]]
ints("multinomial_2d_k1_x3", 123, "[torch.multinomial(torch.tensor(%s), 1) for _ in range(3)]" % P2D,
     lambda: [i for _ in range(3) for i in torch.multinomial(torch.tensor(P2D), 1).flatten().tolist()])
ints("multinomial_2d_k2", 789, "torch.multinomial(torch.tensor(%s)[:2], 2)" % P2D,
     lambda: torch.multinomial(torch.tensor(P2D)[:2], 2))
ints("multinomial_unnormalized_x6", 123, "[torch.multinomial(torch.tensor([1., 3., 0., 6.]), 1) for _ in range(6)]",
     lambda: [torch.multinomial(torch.tensor([1., 3., 0., 6.]), 1).item() for _ in range(6)])
ints("multinomial_repl_n10", 123, "torch.multinomial(torch.tensor([0.1, 0.2, 0.7]), 10, replacement=True)",
     lambda: torch.multinomial(torch.tensor([0.1, 0.2, 0.7]), 10, replacement=True))
ints("multinomial_repl_k1_x5", 789,
     "[torch.multinomial(torch.tensor([0.1, 0.2, 0.7]), 1, replacement=True) for _ in range(5)]",
     lambda: [torch.multinomial(torch.tensor([0.1, 0.2, 0.7]), 1, replacement=True).item() for _ in range(5)])
ints("multinomial_repl_2d_n6", 123, "torch.multinomial(torch.tensor(%s), 6, replacement=True)" % P2D,
     lambda: torch.multinomial(torch.tensor(P2D), 6, replacement=True))
ints("multinomial_repl_then_norepl", 123,
     "multinomial([1,2,3,4], 3, replacement=True), then multinomial([1,2,3,4], 2)",
     lambda: torch.cat([torch.multinomial(torch.tensor([1., 2., 3., 4.]), 3, replacement=True),
                        torch.multinomial(torch.tensor([1., 2., 3., 4.]), 2)]))
GEN_P = torch.softmax(torch.linspace(-3, 3, 50), 0)
ints("multinomial_softmax50_x200", 123,
     "[torch.multinomial(torch.softmax(torch.linspace(-3, 3, 50), 0), 1) for _ in range(200)]",
     lambda: [torch.multinomial(GEN_P, 1).item() for _ in range(200)])
entries["multinomial_softmax50_x200"]["probs_bits"] = f32_bits(GEN_P)

# ---- seeds ----------------------------------------------------------------------------------
floats("seed_minus1_rand3", -1, "torch.manual_seed(-1); torch.rand(3)  # seed 2^64-1", lambda: torch.rand(3))
entries["seed_minus1_rand3"]["initial_seed"] = str(torch.initial_seed())
floats("seed_2p32p123_rand3", 2**32 + 123, "torch.manual_seed(2**32 + 123); torch.rand(3)  # same stream as 123",
       lambda: torch.rand(3))
entries["seed_2p32p123_rand3"]["initial_seed"] = str(torch.initial_seed())
g = torch.Generator()
entries["fresh_generator_rand3"] = {"seed": None, "code": "g = torch.Generator(); torch.rand(3, generator=g)",
                                    "dtype": "float32", "bits": f32_bits(torch.rand(3, generator=g)),
                                    "initial_seed": str(torch.Generator().initial_seed())}

# ---- DataLoader -----------------------------------------------------------------------------
ints("dataloader_noshuffle_2epochs_then_randint", 123,
     "DataLoader(range(7), batch_size=2, shuffle=False): 2 epochs (only the base-seed draws), then randint(0, 1000, (2,))",
     lambda: [x for _ in range(2) for b in DataLoader(list(range(7)), batch_size=2, shuffle=False) for x in b.tolist()]
     + torch.randint(0, 1000, (2,)).tolist())
ints("dataloader_shuffle_droplast_then_randint", 789,
     "DataLoader(range(7), batch_size=2, shuffle=True, drop_last=True): 2 epochs, then randint(0, 1000, (2,))",
     lambda: [x for _ in range(2) for b in DataLoader(list(range(7)), batch_size=2, shuffle=True, drop_last=True)
              for x in b.tolist()] + torch.randint(0, 1000, (2,)).tolist())

def own_generator_epochs(n, bs, drop_last):
    g = torch.Generator().manual_seed(7)
    dl = DataLoader(list(range(n)), batch_size=bs, shuffle=True, generator=g, drop_last=drop_last)
    return [x for _ in range(2) for b in dl for x in b.tolist()] + torch.randint(0, 1000, (2,), generator=g).tolist()


ints("dataloader_own_generator_10_bs3_then_randint", 7,
     "g = torch.Generator().manual_seed(7); DataLoader(range(10), batch_size=3, shuffle=True, generator=g): "
     "2 epochs, then randint(0, 1000, (2,), generator=g)",
     lambda: own_generator_epochs(10, 3, False))
ints("dataloader_own_generator_7_bs2_droplast_then_randint", 7,
     "g = torch.Generator().manual_seed(7); DataLoader(range(7), batch_size=2, shuffle=True, generator=g, "
     "drop_last=True): 2 epochs, then randint(0, 1000, (2,), generator=g)",
     lambda: own_generator_epochs(7, 2, True))

# ---- nn.Linear for several fan-ins ----------------------------------------------------------
for fan in [1, 2, 5, 7, 768, 3072]:
    digest("linear_in%d_out3_weight" % fan, 123, "torch.nn.Linear(%d, 3).weight" % fan,
           lambda: torch.nn.Linear(fan, 3).weight.detach())
    digest("linear_in%d_out3_bias" % fan, 123, "torch.nn.Linear(%d, 3).bias  (drawn after the weight)" % fan,
           lambda: torch.nn.Linear(fan, 3).bias.detach())

# ---- generator state ------------------------------------------------------------------------
state("state_after_seed", 123, "torch.manual_seed(123); torch.get_rng_state()", lambda: None)
state("state_after_randn3_rand5", 123, "randn(3) [spare cached], rand(5); torch.get_rng_state()",
      lambda: (torch.randn(3), torch.rand(5)))
state("state_after_624_words", 5, "torch.randint(0, 10, (624,)); torch.get_rng_state()  # left=1, next=624",
      lambda: torch.randint(0, 10, (624,)))
state("state_after_625_words", 5, "torch.randint(0, 10, (625,)); torch.get_rng_state()  # second block",
      lambda: torch.randint(0, 10, (625,)))
entries["state_fresh_generator"] = {"seed": None, "code": "torch.Generator().get_state()", "dtype": "uint8",
                                    "state_hex": bytes(torch.Generator().get_state().tolist()).hex()}
torch.manual_seed(123)
torch.randn(3)
torch.rand(5)
saved = torch.get_rng_state()
after = torch.cat([torch.randn(1), torch.rand(3)])
torch.manual_seed(999)
torch.set_rng_state(saved)
again = torch.cat([torch.randn(1), torch.rand(3)])
assert torch.equal(after, again)
entries["set_state_then_randn1_rand3"] = {
    "seed": 123, "code": "s = state_after_randn3_rand5; torch.manual_seed(999); torch.set_rng_state(s); "
                         "cat(randn(1) [the restored spare], rand(3))",
    "dtype": "float32", "bits": f32_bits(after)}

doc = {
    "generated_by": "scripts/make_rng_fixtures.py",
    "torch_version": torch.__version__,
    "mkl": torch.backends.mkl.is_available(),
    "entries": entries,
}
os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump(doc, f, indent=1, sort_keys=False)
    f.write("\n")
print("wrote %s: %d entries, %d bytes" % (OUT, len(entries), os.path.getsize(OUT)))
