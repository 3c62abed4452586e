"""Training config validation and profiles."""

import pytest

from classifier.config import PROFILES, TrainConfig
from dealradar.errors import ModelError


def test_profiles_apply_and_overrides_win():
    cfg = TrainConfig.from_profile("default", epochs=2, seed=None)
    assert (cfg.profile, cfg.epochs, cfg.max_length, cfg.learning_rate) == ("default", 2, 96, 8e-5)
    assert set(PROFILES) == {"quick", "default", "full", "tiny"}


@pytest.mark.parametrize("kwargs, message", [
    ({"method": "qlora"}, "method must be one of"),
    ({"device": "tpu"}, "device must be one of"),
    ({"epochs": 0}, "epochs must be > 0"),
    ({"max_length": 4}, "max_length must be between"),
    ({"batch_size": 0}, "batch_size and grad_accum"),
    ({"learning_rate": 2.0}, "learning rates"),
    ({"warmup_ratio": 1.0}, "warmup_ratio"),
    ({"max_steps": 0}, "max_steps"),
])
def test_invalid_values_are_refused(kwargs, message):
    with pytest.raises(ModelError, match=message):
        TrainConfig(**kwargs)


def test_unknown_profile_and_option():
    with pytest.raises(ModelError, match="unknown profile 'huge'"):
        TrainConfig.from_profile("huge")
    with pytest.raises(ModelError, match="unknown training options: colour"):
        TrainConfig.from_profile("quick", colour="red")
