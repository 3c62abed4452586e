"""Fine-tune the two-head encoder: AdamW with warm-up and linear decay, class-weighted loss,
gradient accumulation, early stopping on validation macro-F1, Accelerate for multi-device runs."""

from __future__ import annotations

import copy
import logging
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset, Sampler
from tqdm import tqdm

from classifier.config import TrainConfig
from classifier.data import encode, training_views
from classifier.metrics import macro_f1
from classifier.model import DualHeadClassifier, load_encoder, pick_device
from classifier.predict import pad_batch, predict_logits

log = logging.getLogger(__name__)


def set_seed(seed: int) -> None:
    """Seed Python, NumPy and torch (all devices) for reproducible runs."""
    from transformers import set_seed as hf_set_seed

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    hf_set_seed(seed)


class _Encoded(Dataset):
    def __init__(self, items: list[dict], sec: np.ndarray, sig: np.ndarray):
        self.items, self.sec, self.sig = items, sec, sig

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int) -> dict:
        return {**self.items[i], "sector": int(self.sec[i]), "signal": int(self.sig[i])}


class LengthGroupedBatchSampler(Sampler):
    """Shuffled batches of similar-length items (less padding), reshuffled every epoch."""

    def __init__(self, lengths: list[int], batch_size: int, seed: int, mega: int = 50):
        self.lengths, self.batch_size, self.seed, self.mega = lengths, batch_size, seed, mega
        self.epoch = 0

    def __iter__(self):
        rng = np.random.default_rng(self.seed + self.epoch)
        self.epoch += 1
        idx = rng.permutation(len(self.lengths))
        chunk = self.batch_size * self.mega
        batches = []
        for s in range(0, len(idx), chunk):
            part = sorted(idx[s:s + chunk], key=lambda i: self.lengths[i])
            batches += [part[j:j + self.batch_size] for j in range(0, len(part), self.batch_size)]
        rng.shuffle(batches)
        return iter([list(map(int, b)) for b in batches])

    def __len__(self) -> int:
        return math.ceil(len(self.lengths) / self.batch_size)


def class_weights(y: np.ndarray, n: int) -> torch.Tensor:
    """Inverse square-root frequency weights, mean 1 (classes absent from y get the largest)."""
    counts = np.bincount(y, minlength=n).astype(float)
    w = 1.0 / np.sqrt(np.maximum(counts, 1.0))
    return torch.tensor(w / w.mean(), dtype=torch.float32)


@dataclass
class TrainOutput:
    """A trained model and what happened while training it."""

    model: DualHeadClassifier
    tokenizer: object
    device: str
    history: list[dict]
    best_epoch: int
    train_samples_per_s: float
    steps: int
    duration_s: float


def _collate(pad_id: int):
    def collate(items: list[dict]) -> dict:
        batch = pad_batch(items, pad_id)
        batch["sector"] = torch.tensor([x["sector"] for x in items])
        batch["signal"] = torch.tensor([x["signal"] for x in items])
        return batch
    return collate


def evaluate_split(model, tokenizer, df: pd.DataFrame, cfg: TrainConfig, sectors: list[str],
                   signals: list[str], device) -> dict:
    """Logits and macro-F1 per head on a labelled frame."""
    sec, sig = predict_logits(model, tokenizer, df["title"].tolist(), df["body"].fillna("").tolist(),
                              cfg.max_length, batch_size=128, device=device)
    ys = np.array([sectors.index(v) for v in df["sector"]])
    yg = np.array([signals.index(v) for v in df["signal"]])
    return {"sector_logits": sec, "signal_logits": sig, "y_sector": ys, "y_signal": yg,
            "sector_f1": macro_f1(ys, sec.argmax(1), len(sectors)),
            "signal_f1": macro_f1(yg, sig.argmax(1), len(signals))}


def train(cfg: TrainConfig, train_df: pd.DataFrame, val_df: pd.DataFrame, sectors: list[str],
          signals: list[str], progress: bool = True,
          on_progress: Callable[[dict], None] | None = None) -> TrainOutput:
    """Fine-tune on `train_df` (both views of each article), early-stopping on `val_df`."""
    from accelerate import Accelerator
    from transformers import get_linear_schedule_with_warmup

    set_seed(cfg.seed)
    device = pick_device(cfg.device)
    use_bf16 = device.type == "cuda" and torch.cuda.is_bf16_supported()
    accelerator = Accelerator(cpu=device.type == "cpu", mixed_precision="bf16" if use_bf16 else "no",
                              gradient_accumulation_steps=cfg.grad_accum)
    encoder, tokenizer = load_encoder(cfg.base_model, cfg.dropout)
    model = DualHeadClassifier(encoder, len(sectors), len(signals), cfg.dropout)
    if cfg.freeze_embeddings:  # the word-embedding matrix is half of MiniLM's weights: frozen, steps are cheaper
        for p in model.encoder.embeddings.parameters():
            p.requires_grad = False
    if cfg.method == "lora":
        from peft import LoraConfig, get_peft_model

        lora = LoraConfig(r=cfg.lora_r, lora_alpha=cfg.lora_alpha, lora_dropout=cfg.lora_dropout,
                          target_modules=["query", "key", "value", "dense"], bias="none")
        model.encoder = get_peft_model(model.encoder, lora)

    views = training_views(train_df, cfg.title_view)
    items = encode(tokenizer, views["title"].tolist(), views["body"].fillna("").tolist(), cfg.max_length)
    ys = np.array([sectors.index(v) for v in views["sector"]])
    yg = np.array([signals.index(v) for v in views["signal"]])
    ds = _Encoded(items, ys, yg)
    sampler = LengthGroupedBatchSampler([len(x["input_ids"]) for x in items], cfg.batch_size, cfg.seed)
    loader = DataLoader(ds, batch_sampler=sampler, collate_fn=_collate(tokenizer.pad_token_id or 0),
                        num_workers=cfg.num_workers, pin_memory=device.type == "cuda")

    head_params = list(model.sector_head.parameters()) + list(model.signal_head.parameters())
    enc_params = [p for p in model.encoder.parameters() if p.requires_grad]
    no_decay = lambda n: "bias" in n or "LayerNorm" in n or "layer_norm" in n  # noqa: E731
    named = [(n, p) for n, p in model.encoder.named_parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW([
        {"params": [p for n, p in named if not no_decay(n)], "lr": cfg.learning_rate, "weight_decay": cfg.weight_decay},
        {"params": [p for n, p in named if no_decay(n)], "lr": cfg.learning_rate, "weight_decay": 0.0},
        {"params": head_params, "lr": cfg.head_learning_rate, "weight_decay": 0.0},
    ])
    assert len(enc_params) == len(named)
    steps_per_epoch = math.ceil(len(sampler) / cfg.grad_accum)
    total = math.ceil(steps_per_epoch * cfg.epochs)
    if cfg.max_steps:
        total = min(total, cfg.max_steps)
    scheduler = get_linear_schedule_with_warmup(optimizer, int(total * cfg.warmup_ratio), total)
    model, optimizer, loader, scheduler = accelerator.prepare(model, optimizer, loader, scheduler)
    w_sec = class_weights(ys, len(sectors)).to(accelerator.device) if cfg.class_weighted else None
    w_sig = class_weights(yg, len(signals)).to(accelerator.device) if cfg.class_weighted else None
    loss_sec, loss_sig = nn.CrossEntropyLoss(weight=w_sec), nn.CrossEntropyLoss(weight=w_sig)

    history: list[dict] = []
    best_score, best_state, best_epoch, bad_epochs, step = -1.0, None, 0, 0, 0
    seen, t0 = 0, time.perf_counter()
    train_time = 0.0
    n_epochs = math.ceil(cfg.epochs)
    bar = tqdm(total=total, desc="train", unit=" step", disable=not (progress and accelerator.is_main_process))
    for epoch in range(1, n_epochs + 1):
        model.train()
        te = time.perf_counter()
        for batch in loader:
            with accelerator.accumulate(model):
                ls, lg = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"])
                loss = loss_sec(ls.float(), batch["sector"]) + loss_sig(lg.float(), batch["signal"])
                accelerator.backward(loss)
                if accelerator.sync_gradients:
                    accelerator.clip_grad_norm_(model.parameters(), 1.0)
                optimizer.step()
                scheduler.step()
                optimizer.zero_grad()
            seen += len(batch["sector"]) * accelerator.num_processes
            if accelerator.sync_gradients:
                step += 1
                bar.update(1)
                bar.set_postfix(loss=f"{loss.item():.3f}")
                if on_progress and accelerator.is_main_process:
                    on_progress({"step": step, "total": total, "epoch": epoch, "loss": float(loss.item())})
                if step >= total:
                    break
        train_time += time.perf_counter() - te
        unwrapped = accelerator.unwrap_model(model)
        rec = {"epoch": epoch, "step": step, "loss": float(loss.item())}
        if len(val_df):  # every rank evaluates (cheap) so all take the same early-stopping decision
            ev = evaluate_split(unwrapped, tokenizer, val_df, cfg, sectors, signals, accelerator.device)
            rec.update(val_sector_f1=ev["sector_f1"], val_signal_f1=ev["signal_f1"])
            score = (ev["sector_f1"] + ev["signal_f1"]) / 2
            log.info("epoch %d: val sector F1 %.3f, signal F1 %.3f", epoch, ev["sector_f1"], ev["signal_f1"])
            if score > best_score:
                best_score, best_epoch, bad_epochs = score, epoch, 0
                best_state = copy.deepcopy({k: v.detach().cpu() for k, v in unwrapped.state_dict().items()})
            else:
                bad_epochs += 1
        history.append(rec)
        if step >= total or (cfg.patience and bad_epochs >= cfg.patience):
            break
    bar.close()
    accelerator.wait_for_everyone()
    model = accelerator.unwrap_model(model)
    if best_state is not None:
        model.load_state_dict(best_state)
    else:
        best_epoch = len(history)
    if cfg.freeze_embeddings:  # the word-embedding matrix is half of MiniLM's weights: frozen, steps are cheaper
        for p in model.encoder.embeddings.parameters():
            p.requires_grad = False
    if cfg.method == "lora":
        model.encoder = model.encoder.merge_and_unload()
    model.to("cpu" if device.type != "cuda" else device).eval()
    return TrainOutput(model, tokenizer, accelerator.device.type, history, best_epoch,
                       seen / train_time if train_time else 0.0, step, time.perf_counter() - t0)
