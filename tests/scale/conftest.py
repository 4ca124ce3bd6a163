"""A local Ray cluster for the scale tests: CPU only, two CPUs, started once for the module.

The workers find the test scanners through ``PYTHONPATH`` (this folder and ``tests/storage``),
given to the cluster's runtime environment, as a deployment gives its own to ``ray start``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
STORAGE_TESTS = HERE.parent / "storage"
if str(STORAGE_TESTS) not in sys.path:
    sys.path.insert(0, str(STORAGE_TESTS))  # storage_helpers, storage_fake_scanner


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[None]:
    try:
        import ray
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("Ray is not installed: CI must run the scale tests (pip install -e '.[dev]')")
        pytest.skip("Ray is not installed (pip install -e '.[scale]')")
    path = os.pathsep.join([str(HERE), str(STORAGE_TESTS), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env = {"PYTHONPATH": path, "STORAGE_FAKE_SCANNER_DELAY": "0.002"}
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, runtime_env={"env_vars": env})
    yield
    ray.shutdown()
