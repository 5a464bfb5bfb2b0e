"""Document classification engines: the offline lexical/layout classifier (default)."""

from docket.engines.classify.offline import OfflineClassifier

__all__ = ["OfflineClassifier"]
