"""Prioritizing stage: each cluster gets P0–P3, the reasons in words, and the actions the evidence supports."""

from loggardener.prioritizing.rules import Prioritizer

__all__ = ["Prioritizer"]
