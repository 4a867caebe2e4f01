import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pytest


@pytest.fixture(scope="session")
def sample(tmp_path_factory):
    """The bundled sample, built once per session (or by scripts/test.sh)."""
    from sample_build import reader, sample_database

    return reader(sample_database(tmp_path_factory.mktemp("sample")))
