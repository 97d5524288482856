#!/usr/bin/python3
"""Write the PyTorch reference fixture for DPO (the book repository's chapter 7 bonus,
ch07/04_preference-tuning-with-dpo/dpo-from-scratch.ipynb) that the Java tests compare with.

Run with Debian's interpreter and Debian's PyTorch (python3-torch, 1.13, CPU), like
scripts/make_fixtures.py, whose GPT classes (re-declared from the book) it imports:

    /usr/bin/python3 scripts/make_dpo_fixtures.py

Output: src/test/resources/fixtures/dpo_torch.safetensors (deterministic):

- ``policy.*`` / ``reference.*``: two tiny GPTs (vocab 64, context 32, emb 16, 4 heads, 2 layers,
  drop 0), built after torch.manual_seed(123) and torch.manual_seed(456): a policy and a
  reference that differ, so the loss at step 0 is not log 2.
- ``chosen``, ``rejected``, ``chosen_mask``, ``rejected_mask``: one batch of two preference
  pairs made by the notebook's custom_collate_fn (prompt tokens masked, padding 63, no cut).
- ``logprobs.*``: compute_logprobs of both models on both sequences; ``loss``,
  ``chosen_rewards``, ``rejected_rewards``: compute_dpo_loss with beta 0.1; ``grad.*``: the
  policy's gradients of that loss.
- ``train_losses``: the batch losses of three AdamW steps (lr 1e-2, weight decay 0.01) on the
  same batch; ``after.*``: the policy's parameters after them.
"""

import json
import os
import sys
from collections import OrderedDict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from make_fixtures import (GPTModel, gpt_config, write_safetensors, read_safetensors,  # noqa: E402
                           common_metadata, ensure_reference_blas, loaded_blas)

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(REPO_ROOT, "src", "test", "resources", "fixtures", "dpo_torch.safetensors")
CONFIG = gpt_config(64, 32, 16, 4, 2, 0.0, False)
PAD = 63
BETA = 0.1
ADAMW = dict(lr=1e-2, weight_decay=0.01)
STEPS = 3


# The notebook's functions, written out again (same operations in the same order).

def compute_dpo_loss(model_chosen_logprobs, model_rejected_logprobs,
                     reference_chosen_logprobs, reference_rejected_logprobs, beta=0.1):
    model_logratios = model_chosen_logprobs - model_rejected_logprobs
    reference_logratios = reference_chosen_logprobs - reference_rejected_logprobs
    logits = model_logratios - reference_logratios
    losses = -F.logsigmoid(beta * logits)
    chosen_rewards = (model_chosen_logprobs - reference_chosen_logprobs).detach()
    rejected_rewards = (model_rejected_logprobs - reference_rejected_logprobs).detach()
    return losses.mean(), chosen_rewards.mean(), rejected_rewards.mean()


def compute_logprobs(logits, labels, selection_mask=None):
    labels = labels[:, 1:].clone()
    logits = logits[:, :-1, :]
    log_probs = F.log_softmax(logits, dim=-1)
    selected_log_probs = torch.gather(input=log_probs, dim=-1, index=labels.unsqueeze(-1)).squeeze(-1)
    if selection_mask is not None:
        mask = selection_mask[:, 1:].clone()
        selected_log_probs = selected_log_probs * mask
        return selected_log_probs.sum(-1) / mask.sum(-1)
    return selected_log_probs.mean(-1)


def custom_collate_fn(batch, pad_token_id, allowed_max_length=None, mask_prompt_tokens=True):
    out = {"chosen": [], "rejected": [], "chosen_mask": [], "rejected_mask": []}
    common = max(max(len(item[k]) + 1 for item in batch) for k in ("chosen", "rejected"))
    for item in batch:
        prompt_len = len(item["prompt"])
        for key in ("chosen", "rejected"):
            seq = item[key]
            padded = seq + [pad_token_id] * (common - len(seq))
            mask = torch.ones(len(padded)).bool()
            mask[len(seq):] = False
            if mask_prompt_tokens:
                mask[:prompt_len + 2] = False
            out[key].append(torch.tensor(padded))
            out[key + "_mask"].append(mask)
    for key in out:
        t = torch.stack(out[key])
        if allowed_max_length is not None:
            t = t[:, :allowed_max_length]
        out[key] = t
    return out


def batch_losses(policy, reference, batch):
    pc = compute_logprobs(policy(batch["chosen"]), batch["chosen"], batch["chosen_mask"])
    pr = compute_logprobs(policy(batch["rejected"]), batch["rejected"], batch["rejected_mask"])
    with torch.no_grad():
        rc = compute_logprobs(reference(batch["chosen"]), batch["chosen"], batch["chosen_mask"])
        rr = compute_logprobs(reference(batch["rejected"]), batch["rejected"], batch["rejected_mask"])
    return (pc, pr, rc, rr), compute_dpo_loss(pc, pr, rc, rr, beta=BETA)


def main():
    ensure_reference_blas()
    torch.set_num_threads(1)
    torch.manual_seed(123)
    policy = GPTModel(CONFIG)
    torch.manual_seed(456)
    reference = GPTModel(CONFIG)
    reference.eval()
    # Two pairs of different lengths; ids below the pad id. The prompt is each pair's common start.
    items = [
        {"prompt": [5, 9, 2, 40, 7], "chosen": [5, 9, 2, 40, 7, 1, 1, 12, 30, 31, 8],
         "rejected": [5, 9, 2, 40, 7, 1, 1, 12, 44, 45, 46, 47, 48, 8]},
        {"prompt": [17, 3, 3], "chosen": [17, 3, 3, 1, 1, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 8],
         "rejected": [17, 3, 3, 1, 1, 60, 8]},
    ]
    batch = custom_collate_fn(items, PAD)
    tensors = OrderedDict()
    for n, t in policy.state_dict().items():
        tensors["policy." + n] = t.detach().clone()
    for n, t in reference.state_dict().items():
        tensors["reference." + n] = t.detach().clone()
    tensors["chosen"] = batch["chosen"]
    tensors["rejected"] = batch["rejected"]
    tensors["chosen_mask"] = batch["chosen_mask"].to(torch.int64)
    tensors["rejected_mask"] = batch["rejected_mask"].to(torch.int64)

    policy.train()
    opt = torch.optim.AdamW(policy.parameters(), **ADAMW)
    opt.zero_grad()
    (pc, pr, rc, rr), (loss, chosen_rewards, rejected_rewards) = batch_losses(policy, reference, batch)
    loss.backward()
    tensors["logprobs.policy_chosen"] = pc.detach().clone()
    tensors["logprobs.policy_rejected"] = pr.detach().clone()
    tensors["logprobs.reference_chosen"] = rc.detach().clone()
    tensors["logprobs.reference_rejected"] = rr.detach().clone()
    tensors["logprobs.policy_chosen_unmasked"] = compute_logprobs(policy(batch["chosen"]), batch["chosen"]).detach().clone()
    tensors["loss"] = loss.detach().clone()
    tensors["chosen_rewards"] = chosen_rewards.detach().clone()
    tensors["rejected_rewards"] = rejected_rewards.detach().clone()
    for n, p in policy.named_parameters():
        tensors["grad." + n] = p.grad.detach().clone()
    losses = [loss.item()]
    opt.step()
    for _ in range(STEPS - 1):
        opt.zero_grad()
        _, (loss, _, _) = batch_losses(policy, reference, batch)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    tensors["train_losses"] = torch.tensor(losses, dtype=torch.float32)
    for n, p in policy.named_parameters():
        tensors["after." + n] = p.detach().clone()

    meta = common_metadata("DPO (the book repository's chapter 7 bonus) on two tiny GPTs; see scripts/make_dpo_fixtures.py", 123)
    meta["config"] = json.dumps(CONFIG)
    meta["beta"] = str(BETA)
    meta["pad"] = str(PAD)
    meta["adamw"] = json.dumps(dict(ADAMW, betas=[0.9, 0.999], eps=1e-8, steps=STEPS))
    meta["items"] = json.dumps(items)
    meta["blas"] = loaded_blas()
    write_safetensors(OUT, tensors, meta)
    back, _ = read_safetensors(OUT)
    assert len(back) == len(tensors)
    print(f"wrote {OUT}: {os.path.getsize(OUT)} bytes; losses {losses}")


if __name__ == "__main__":
    main()
