"""Where models run: ``cuda`` when a GPU is there, else the CPU, unless told ``device=``."""

from __future__ import annotations

__all__ = ["pick_device"]


def pick_device(device: str | None = None) -> str:
    """The device to run on: the one given, else cuda when PyTorch sees a GPU, else cpu.

    ``device`` itself when given (``"cpu"``, ``"cuda"``, ``"cuda:1"``), else ``"cuda"`` when
    PyTorch sees a GPU, else ``"cpu"``.
    """
    if device is not None:
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"
