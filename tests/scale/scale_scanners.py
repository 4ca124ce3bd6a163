"""Test scanners for the Ray tests: the storage tests' keyword scanner, plus turns that kill the worker process.

* ``kill-worker-once:PATH`` kills the scanning process (SIGKILL) the first time it is seen, and
  leaves ``PATH`` behind so that the retry elsewhere goes through: a worker lost mid-task.
* ``kill-worker-always`` kills every process that scans it: a poisoned input.
* ``bad-finding`` makes the scanner return something that is not a Finding, as a buggy detector
  would: ``process_task`` itself raises on it.
* ``slow-scan`` takes 20 ms to scan, so that a test can kill a worker while it is busy.

Findings are those of ``storage_fake_scanner`` v1, so results compare with ``SCANNER_V1``.
"""

from __future__ import annotations

import os
import signal
import time

from storage_fake_scanner import V1, FakeScanner

from qa.domain import Finding, Interaction


class KillerScanner(FakeScanner):
    def scan(self, interactions: list[Interaction]) -> list[Finding]:
        for interaction in interactions:
            if any("slow-scan" in turn.text for turn in interaction.turns or ()):
                time.sleep(0.02)
            for turn in interaction.turns or ():
                if "kill-worker-always" in turn.text:
                    os.kill(os.getpid(), signal.SIGKILL)
                if "kill-worker-once:" in turn.text:
                    marker = turn.text.split("kill-worker-once:", 1)[1].split()[0]
                    try:
                        os.close(os.open(marker, os.O_CREAT | os.O_EXCL))
                    except FileExistsError:
                        continue
                    os.kill(os.getpid(), signal.SIGKILL)
        findings = super().scan(interactions)
        if any("bad-finding" in turn.text for i in interactions for turn in i.turns or ()):
            findings.append("not a finding")  # type: ignore[arg-type]
        return findings


def load_killer() -> KillerScanner:
    return KillerScanner("test-v1", V1)
