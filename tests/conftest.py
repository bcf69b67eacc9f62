"""The shared fixtures of every test directory, and the hypothesis profiles.

Tests: ``tests/package/`` (the lossbook package), ``tests/book/`` (the pages and the built
site), ``tests/tools/`` (the machinery: the booksite plugin, the verifier, the scripts).
One ``site`` fixture builds the real book once per test session.

``HYPOTHESIS_PROFILE=stress pytest tests`` runs twenty times as many examples per property.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from booksite.sitebuild import built_site

settings.register_profile("lossbook", max_examples=50, deadline=None)
settings.register_profile("stress", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "lossbook"))


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The real book, built strictly once per test session (``mkdocs build --strict``), in pytest's temporary tree."""
    return built_site(tmp_path_factory.mktemp("site"))
