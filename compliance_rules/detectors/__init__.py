"""Detectors. Each module registers its detectors by name when imported;
this list is the complete set (no subclass discovery).
"""

from compliance_rules.detectors import cease, classifier, disclosure, frequency, phrase, timing  # noqa: F401
from compliance_rules.detectors.registry import Detector, Hit, RuleError, build_detector, registered

__all__ = ["Detector", "Hit", "RuleError", "build_detector", "registered"]
