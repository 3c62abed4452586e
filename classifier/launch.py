"""Distributed training entry point: `torchrun --nproc_per_node N -m classifier.launch [train options]`
or `accelerate launch -m classifier.launch ...`. Every process trains its shard; rank 0 saves."""

from __future__ import annotations

import sys

from dealradar.cli import main

if __name__ == "__main__":
    sys.exit(main(["train", *sys.argv[1:]]))
