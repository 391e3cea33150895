"""Clustering stage: events in, problems (clusters) out."""

from loggardener.clustering.models import AffectedFile, Cluster, Sample

__all__ = ["AffectedFile", "Cluster", "Sample"]
