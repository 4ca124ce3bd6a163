"""Rule packs as data, the detectors that run them, and the scanning engine.

from compliance_rules import Scanner
scanner = Scanner.load()
findings = scanner.scan(interactions)   # one batch; account history matters
"""

from compliance_rules.detectors import RuleError
from compliance_rules.engine import PACKS_DIR, LoadedRule, Scanner, ScanResult

__all__ = ["PACKS_DIR", "LoadedRule", "RuleError", "ScanResult", "Scanner"]
