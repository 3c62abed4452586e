"""Classifier speed on this machine: training samples/s and classification articles/s at 64 tokens, against
a plain `transformers.pipeline("text-classification")` over the same encoder and texts, in the same run;
peak RSS of each phase (measured in separate subprocesses).

Usage: python bench/bench_classifier.py [--texts 1500] [--train-steps 30]   (writes bench/results/classifier_speed.json)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def _texts(n: int) -> tuple[list[str], list[str]]:
    import pandas as pd

    c = pd.read_csv(ROOT / "data" / "corpus" / "corpus.csv", keep_default_na=False)
    c = pd.concat([c] * (n // len(c) + 1)).head(n)
    return c["title"].tolist(), c["body"].tolist()


def phase_train(steps: int) -> dict:
    import numpy as np
    import torch
    from torch import nn

    from classifier.data import encode
    from classifier.model import DualHeadClassifier, load_encoder
    from classifier.predict import pad_batch

    torch.manual_seed(0)
    enc, tok = load_encoder("default")
    model = DualHeadClassifier(enc, 13, 6)
    titles, bodies = _texts(steps * 32 + 64)
    items = encode(tok, titles, bodies, 64)
    opt = torch.optim.AdamW(model.parameters(), lr=5e-5)
    loss_fn = nn.CrossEntropyLoss()
    rng = np.random.default_rng(0)
    model.train()
    t0, seen = None, 0
    for step in range(steps + 2):
        idx = rng.choice(len(items), 32, replace=False)
        b = pad_batch([items[i] for i in idx], tok.pad_token_id)
        if step == 2:
            t0 = time.perf_counter()  # two warm-up steps
        a, g = model(**b)
        loss = loss_fn(a, torch.zeros(32, dtype=torch.long)) + loss_fn(g, torch.zeros(32, dtype=torch.long))
        loss.backward()
        opt.step()
        opt.zero_grad()
        if step >= 2:
            seen += 32
    dt = time.perf_counter() - t0
    return {"train_samples_per_s": seen / dt, "steps": steps, "batch": 32, "max_length": 64}


def phase_infer(n: int) -> dict:
    import torch

    from classifier.model import DualHeadClassifier, load_encoder
    from classifier.predict import predict_logits

    torch.manual_seed(0)
    enc, tok = load_encoder("default")
    model = DualHeadClassifier(enc, 13, 6).eval()
    titles, bodies = _texts(n)
    predict_logits(model, tok, titles[:64], bodies[:64], 64)
    t0 = time.perf_counter()
    predict_logits(model, tok, titles, bodies, 64, batch_size=128)
    dt = time.perf_counter() - t0
    return {"articles_per_s": n / dt, "n": n, "max_length": 64}


def phase_pipeline(n: int) -> dict:
    import torch
    from transformers import AutoTokenizer, BertForSequenceClassification, pipeline

    from classifier.model import resolve_base_model

    torch.manual_seed(0)
    path = resolve_base_model("default")
    model = BertForSequenceClassification.from_pretrained(path, num_labels=13).eval()
    tok = AutoTokenizer.from_pretrained(path)
    pipe = pipeline("text-classification", model=model, tokenizer=tok, device=-1)
    titles, bodies = _texts(n)
    texts = [f"{t} {b}" for t, b in zip(titles, bodies, strict=True)]
    pipe(texts[:32], batch_size=32, truncation=True, max_length=64)
    t0 = time.perf_counter()
    pipe(texts, batch_size=32, truncation=True, max_length=64)
    dt = time.perf_counter() - t0
    return {"articles_per_s": n / dt, "n": n, "max_length": 64, "batch_size": 32}


def _child(phase: str, arg: int) -> None:
    out = {"train": phase_train, "infer": phase_infer, "pipeline": phase_pipeline}[phase](arg)
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


def run(phase: str, arg: int) -> dict:
    res = subprocess.run([sys.executable, __file__, "--child", phase, str(arg)], capture_output=True, text=True,
                         timeout=1800)
    if res.returncode:
        raise RuntimeError(res.stderr[-2000:])
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--texts", type=int, default=1500)
    ap.add_argument("--train-steps", type=int, default=30)
    ap.add_argument("--child", nargs=2)
    a = ap.parse_args()
    if a.child:
        _child(a.child[0], int(a.child[1]))
        return
    import torch

    train = run("train", a.train_steps)
    infer = run("infer", a.texts)
    pipe = run("pipeline", a.texts)
    result = {
        "machine": f"{platform.machine()} {os.cpu_count()} cores, torch {torch.__version__}, {torch.get_num_threads()} threads",
        "training": train, "classification": infer, "pipeline_baseline": pipe,
        "classification_vs_pipeline": infer["articles_per_s"] / pipe["articles_per_s"],
        "targets": {"train_samples_per_s": 25, "articles_per_s": 150, "vs_pipeline": 1.5},
    }
    print(f"training       {train['train_samples_per_s']:8.1f} samples/s  (peak RSS {train['peak_rss_mb']:.0f} MB)")
    print(f"classification {infer['articles_per_s']:8.1f} articles/s (peak RSS {infer['peak_rss_mb']:.0f} MB)")
    print(f"pipeline       {pipe['articles_per_s']:8.1f} articles/s (peak RSS {pipe['peak_rss_mb']:.0f} MB)")
    print(f"ratio ours / pipeline: {result['classification_vs_pipeline']:.2f}x")
    (ROOT / "bench" / "results" / "classifier_speed.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
