"""Shared pytest configuration: a modest, deadline-free hypothesis profile (the machine is shared).

`HYPOTHESIS_PROFILE=stress pytest tests` runs twenty times as many examples per property.
"""
import os

from hypothesis import settings

settings.register_profile("lossbook", max_examples=50, deadline=None)
settings.register_profile("stress", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "lossbook"))
