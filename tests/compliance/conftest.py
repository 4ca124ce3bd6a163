import pytest

from compliance_rules import Scanner


@pytest.fixture(scope="session")
def scanner() -> Scanner:
    return Scanner.load()
