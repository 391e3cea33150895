"""The interface every output format implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from loggardener.report import ScanReport


class Renderer(ABC):
    """Turns a report into one document."""

    #: File name suffix of the document, e.g. ".md".
    suffix: str

    @abstractmethod
    def render(self, report: ScanReport) -> str:
        """The document's text."""
