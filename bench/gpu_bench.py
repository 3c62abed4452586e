"""GPU training throughput (prepared for an NVIDIA H200 or any CUDA GPU): MiniLM (the packaged base model) and a
bert-base-sized encoder at 128 tokens in bf16, with model FLOP utilisation against the measured bf16 matmul rate.

Usage: python bench/gpu_bench.py [--seconds 20]   (writes bench/results/gpu.json; exits 2 without CUDA)
Target: >= 10,000 samples/s for MiniLM.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def matmul_tflops(n: int = 8192, iters: int = 50) -> float:
    import torch

    a = torch.randn(n, n, device="cuda", dtype=torch.bfloat16)
    b = torch.randn(n, n, device="cuda", dtype=torch.bfloat16)
    for _ in range(5):
        a @ b
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(iters):
        a @ b
    torch.cuda.synchronize()
    return 2 * n**3 * iters / (time.perf_counter() - t0) / 1e12


def train_throughput(name: str, config, seq: int, batch: int, seconds: float) -> dict:
    import torch
    from transformers import AutoModel

    from classifier.model import DualHeadClassifier

    torch.manual_seed(0)
    encoder = AutoModel.from_config(config)
    model = DualHeadClassifier(encoder, 13, 6).cuda()
    try:
        model = torch.compile(model)
        compiled = True
    except Exception:  # compile is optional
        compiled = False
    opt = torch.optim.AdamW(model.parameters(), lr=5e-5, fused=True)
    ids = torch.randint(1000, config.vocab_size, (batch, seq), device="cuda")
    mask = torch.ones_like(ids)
    y1 = torch.randint(0, 13, (batch,), device="cuda")
    y2 = torch.randint(0, 6, (batch,), device="cuda")
    loss_fn = torch.nn.CrossEntropyLoss()

    def step():
        with torch.autocast("cuda", dtype=torch.bfloat16):
            a, b = model(input_ids=ids, attention_mask=mask)
            loss = loss_fn(a.float(), y1) + loss_fn(b.float(), y2)
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)

    for _ in range(10):
        step()
    torch.cuda.synchronize()
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        step()
        n += 1
    torch.cuda.synchronize()
    dt = time.perf_counter() - t0
    params = sum(p.numel() for p in encoder.parameters() if p.requires_grad)
    emb = encoder.embeddings.word_embeddings.weight.numel()
    L, h = config.num_hidden_layers, config.hidden_size
    flops_per_sample = 6 * (params - emb) * seq + 12 * L * h * seq * seq  # dense + attention, fwd+bwd
    sps = n * batch / dt
    return {"model": name, "params_m": round(params / 1e6, 1), "seq": seq, "batch": batch, "compiled": compiled,
            "samples_per_s": round(sps, 1), "achieved_tflops": round(sps * flops_per_sample / 1e12, 1),
            "peak_mem_gb": round(torch.cuda.max_memory_allocated() / 1e9, 2)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=20)
    a = ap.parse_args()
    import torch

    if not torch.cuda.is_available():
        print("no CUDA GPU: nothing measured")
        sys.exit(2)
    from transformers import AutoConfig, BertConfig

    from classifier.model import resolve_base_model

    torch.backends.cuda.matmul.allow_tf32 = True
    peak = matmul_tflops()
    minilm = AutoConfig.from_pretrained(resolve_base_model("default"))
    base = BertConfig()  # bert-base-uncased's shape: 12 layers, 768 wide
    runs = [train_throughput("all-MiniLM-L6-v2", minilm, 128, 1024, a.seconds),
            train_throughput("bert-base-sized", base, 128, 256, a.seconds)]
    for r in runs:
        r["mfu"] = round(r["achieved_tflops"] / peak, 3)
        print(f"{r['model']:<18} {r['samples_per_s']:>10,.0f} samples/s  {r['achieved_tflops']:.0f} TFLOP/s  MFU {r['mfu']:.2f}")
    result = {"gpu": torch.cuda.get_device_name(0), "torch": torch.__version__,
              "bf16_matmul_tflops": round(peak, 1), "runs": runs, "target_minilm_samples_per_s": 10_000}
    (ROOT / "bench" / "results" / "gpu.json").write_text(json.dumps(result, indent=2))
    print(f"bf16 matmul {peak:.0f} TFLOP/s; wrote bench/results/gpu.json")


if __name__ == "__main__":
    main()
