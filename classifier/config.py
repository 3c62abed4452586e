"""Training configuration: a typed dataclass validated on creation, and named profiles."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace

from dealradar.errors import ModelError

DEFAULT_BASE_MODEL = "all-MiniLM-L6-v2"
METHODS = ("full", "lora")
DEVICES = ("auto", "cpu", "cuda", "mps")

# Named profiles. `quick` is the first CPU run of `make run`; `default` meets the quality
# targets on CPU; `full` is for a GPU.
PROFILES: dict[str, dict] = {
    "quick": {"epochs": 2, "max_length": 64, "batch_size": 32, "learning_rate": 1.5e-4, "patience": 1,
              "freeze_embeddings": True},
    "default": {"epochs": 6, "max_length": 96, "batch_size": 32, "learning_rate": 8e-5, "patience": 2},
    "full": {"epochs": 10, "max_length": 256, "batch_size": 64, "learning_rate": 5e-5, "patience": 3},
    "tiny": {"epochs": 1, "max_length": 32, "batch_size": 8, "learning_rate": 1e-3, "patience": 1,
             "max_steps": 2},
}


@dataclass
class TrainConfig:
    """Everything a training run needs to be reproduced; stored with the model version."""

    base_model: str = DEFAULT_BASE_MODEL
    method: str = "full"
    profile: str = "quick"
    epochs: float = 3
    max_length: int = 64
    batch_size: int = 32
    grad_accum: int = 1
    learning_rate: float = 1e-4
    head_learning_rate: float = 2e-3
    weight_decay: float = 0.01
    warmup_ratio: float = 0.06
    patience: int = 1
    seed: int = 13
    device: str = "auto"
    class_weighted: bool = True
    title_view: bool = True
    min_per_class: int = 2
    max_steps: int | None = None
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.1
    dropout: float = 0.1
    freeze_embeddings: bool = False
    holdout_fraction: float = 0.2
    promote_tolerance: float = 0.02
    num_workers: int = 0

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ModelError(f"method must be one of {METHODS}, got {self.method!r}")
        if self.device not in DEVICES:
            raise ModelError(f"device must be one of {DEVICES}, got {self.device!r}")
        if not self.epochs > 0:
            raise ModelError("epochs must be > 0")
        if not 8 <= self.max_length <= 512:
            raise ModelError("max_length must be between 8 and 512 tokens")
        if self.batch_size < 1 or self.grad_accum < 1:
            raise ModelError("batch_size and grad_accum must be >= 1")
        if not 0 < self.learning_rate < 1 or not 0 < self.head_learning_rate < 1:
            raise ModelError("learning rates must be in (0, 1)")
        if not 0 <= self.warmup_ratio < 1:
            raise ModelError("warmup_ratio must be in [0, 1)")
        if not 0 <= self.holdout_fraction < 1:
            raise ModelError("holdout_fraction must be in [0, 1)")
        if self.max_steps is not None and self.max_steps < 1:
            raise ModelError("max_steps must be >= 1")
        if self.patience < 0 or self.min_per_class < 1:
            raise ModelError("patience must be >= 0 and min_per_class >= 1")

    @classmethod
    def from_profile(cls, profile: str = "quick", **overrides) -> TrainConfig:
        """A config from a named profile with explicit overrides (None values ignored)."""
        if profile not in PROFILES:
            raise ModelError(f"unknown profile {profile!r}; profiles: {', '.join(PROFILES)}")
        known = {f.name for f in fields(cls)}
        bad = set(overrides) - known
        if bad:
            raise ModelError(f"unknown training options: {', '.join(sorted(bad))}")
        values = {**PROFILES[profile], **{k: v for k, v in overrides.items() if v is not None}}
        return cls(profile=profile, **values)

    def to_dict(self) -> dict:
        """Plain dict for JSON."""
        return asdict(self)

    def with_(self, **changes) -> TrainConfig:
        """A validated copy with changes."""
        return replace(self, **changes)


def describe_profiles() -> str:
    """Profiles and their settings, for --help."""
    return "; ".join(f"{name}: " + ", ".join(f"{k}={v}" for k, v in p.items()) for name, p in PROFILES.items())
