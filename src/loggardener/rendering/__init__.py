"""Rendering stage: a `ScanReport` in, documents out (markdown worklog, JSON report)."""

from loggardener.rendering.interface import Renderer

__all__ = ["Renderer"]
