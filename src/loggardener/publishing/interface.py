"""The interface every issue publisher implements (GitHub, or drafts on disk)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

from loggardener.clustering.models import Cluster
from loggardener.publishing.content import Composer
from loggardener.report import IssueAction


class IssuePublisher(ABC):
    """Turns the clusters worth an issue into issues, or into drafts of them."""

    @abstractmethod
    def publish(self, composer: Composer, clusters: Sequence[Cluster]) -> list[IssueAction]:
        """One action per cluster, in order. API failures become `failed` actions, never exceptions."""
