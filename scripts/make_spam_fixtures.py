#!/usr/bin/env python3
"""Write the chapter 6 data fixture that ScratchLLM's Java tests compare with.

Run with an interpreter that has numpy and pandas (the pyenv python3 on PATH, after
``pip install pandas``):

    SCRATCHLLM_DATA=/path/to/shared/data python3 scripts/make_spam_fixtures.py

It reproduces the book's chapter 6 data preparation with the book's own calls
(``pd.read_csv(sep="\\t")``, ``sample(n, random_state=123)``, ``sample(frac=1,
random_state=123)``, ``to_csv(index=None)``) and records what the Java code must
reproduce: the row counts, the rows pandas joins across lines, the DataFrame
indices of the sampled ham rows and of the shuffled balanced rows, the first rows
of each split, and the SHA-256 of the three CSV files pandas writes. It also
records a few raw numpy ``RandomState`` draws (permutations, 64-bit bounded
integers) to test the generator on its own.

Output: src/test/resources/fixtures/spam_split.json (deterministic: no timestamps).
Tests and CI never run this script; the fixture is committed.
"""

import hashlib
import io
import json
import os
import sys

import numpy as np
import pandas as pd

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(REPO_ROOT, "src", "test", "resources", "fixtures", "spam_split.json")


def main():
    data_dir = os.environ.get("SCRATCHLLM_DATA")
    if not data_dir:
        sys.exit("set SCRATCHLLM_DATA to the folder holding sms_spam_collection/SMSSpamCollection")
    path = os.path.join(data_dir, "sms_spam_collection", "SMSSpamCollection")

    # Section 6.2, as the book writes it
    df = pd.read_csv(path, sep="\t", header=None, names=["Label", "Text"])
    num_spam = df[df["Label"] == "spam"].shape[0]
    ham_subset = df[df["Label"] == "ham"].sample(num_spam, random_state=123)
    balanced_df = pd.concat([ham_subset, df[df["Label"] == "spam"]])
    balanced_df["Label"] = balanced_df["Label"].map({"ham": 0, "spam": 1})
    shuffled = balanced_df.sample(frac=1, random_state=123)
    shuffled_index = [int(i) for i in shuffled.index]
    shuffled = shuffled.reset_index(drop=True)
    train_end = int(len(shuffled) * 0.7)
    validation_end = train_end + int(len(shuffled) * 0.1)
    parts = {
        "train.csv": shuffled[:train_end],
        "validation.csv": shuffled[train_end:validation_end],
        "test.csv": shuffled[validation_end:],
    }
    csv_sha256, csv_bytes, first_rows = {}, {}, {}
    for name, part in parts.items():
        buf = io.StringIO()
        part.to_csv(buf, index=None)
        raw = buf.getvalue().encode("utf-8")
        csv_sha256[name] = hashlib.sha256(raw).hexdigest()
        csv_bytes[name] = len(raw)
        back = pd.read_csv(io.BytesIO(raw))
        assert list(back["Text"]) == list(part["Text"]), name
        first_rows[name] = [[int(l), t] for l, t in zip(part["Label"][:3], part["Text"][:3])]

    multiline = [[int(i), t] for i, t in zip(df.index, df["Text"]) if "\n" in t]

    def perm(seed, n):
        return [int(x) for x in np.random.RandomState(seed).permutation(n)]

    fixture = {
        "generator": "scripts/make_spam_fixtures.py",
        "numpy_version": np.__version__,
        "pandas_version": pd.__version__,
        "rows": int(len(df)),
        "ham": int((df["Label"] == "ham").sum()),
        "spam": int(num_spam),
        "first_rows": [[l, t] for l, t in zip(df["Label"][:5], df["Text"][:5])],
        "last_rows": [[l, t] for l, t in zip(df["Label"][-5:], df["Text"][-5:])],
        "multiline_rows": multiline,
        "ham_sample_index": [int(i) for i in ham_subset.index],
        "shuffled_index": shuffled_index,
        "split_sizes": [len(parts["train.csv"]), len(parts["validation.csv"]), len(parts["test.csv"])],
        "first_rows_of_split": first_rows,
        "csv_sha256": csv_sha256,
        "csv_bytes": csv_bytes,
        "numpy": {
            "first_words_seed_123": [int(x) for x in np.random.RandomState(123).randint(0, 2**32, size=5, dtype=np.uint64)],
            "permutation_10_seed_123": perm(123, 10),
            "permutation_10_seed_0": perm(0, 10),
            "permutation_37_seed_4294967295": perm(4294967295, 37),
            "choice_4825_747_seed_123_first_20": [int(x) for x in np.random.RandomState(123).choice(4825, 747, replace=False)[:20]],
            "randint_0_2pow40_inclusive_seed_7": [int(x) for x in np.random.RandomState(7).randint(0, 2**40 + 1, size=6, dtype=np.int64)],
        },
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(fixture, f, indent=1, ensure_ascii=True)
        f.write("\n")
    print("wrote", OUT, os.path.getsize(OUT), "bytes")


if __name__ == "__main__":
    main()
