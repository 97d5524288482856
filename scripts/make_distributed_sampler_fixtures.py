#!/usr/bin/python3
"""Write PyTorch's DistributedSampler shards for dev.scratchllm.data.DistributedSamplerTest.

Run with Debian's interpreter and Debian's PyTorch (python3-torch 1.13, CPU):

    /usr/bin/python3 scripts/make_distributed_sampler_fixtures.py

Output: src/test/resources/fixtures/distributed_sampler.json, a list of cases. Each case holds
the sampler's arguments ("size", "num_replicas", "shuffle", "seed", "drop_last"), the "epoch"
given to set_epoch, "num_samples" (len(sampler)) and "shards": for each rank, list(iter(sampler)).
Sizes cover an exact multiple of the replicas, padding by one and by more than the data set
(3 examples on 8 replicas), drop_last, and a size large enough to exercise randperm's shuffle
(1000). The output is deterministic. Tests never run this script; the JSON is committed.
"""

import json
import os
import sys

import torch
from torch.utils.data.distributed import DistributedSampler

CASES = [
    # size, replicas, shuffle, seed, drop_last, epochs
    (8, 2, True, 0, False, [0, 1, 2]),
    (10, 4, True, 123, False, [0, 5]),
    (10, 4, True, 123, True, [0, 5]),
    (3, 8, True, 7, False, [0]),
    (7, 3, False, 0, False, [0]),
    (7, 3, False, 0, True, [0]),
    (9, 1, True, 42, False, [3]),
    (1000, 3, True, 2024, False, [0, 1]),
    (1000, 6, True, 2024, True, [9]),
]


def main():
    out = []
    for size, replicas, shuffle, seed, drop_last, epochs in CASES:
        for epoch in epochs:
            shards = []
            num_samples = None
            for rank in range(replicas):
                s = DistributedSampler(range(size), num_replicas=replicas, rank=rank, shuffle=shuffle, seed=seed, drop_last=drop_last)
                s.set_epoch(epoch)
                shards.append(list(iter(s)))
                num_samples = len(s)
            out.append({"size": size, "num_replicas": replicas, "shuffle": shuffle, "seed": seed, "drop_last": drop_last,
                        "epoch": epoch, "num_samples": num_samples, "shards": shards})
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    path = os.path.join(root, "src", "test", "resources", "fixtures", "distributed_sampler.json")
    with open(path, "w") as f:
        json.dump({"torch": torch.__version__, "cases": out}, f, separators=(",", ":"))
        f.write("\n")
    print("wrote", path, file=sys.stderr)


if __name__ == "__main__":
    main()
