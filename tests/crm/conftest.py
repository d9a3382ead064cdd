"""Fixtures of the CRM connector tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.crm.hubspot_standin import HubSpotStandIn


@pytest.fixture
def hubspot() -> Iterator[HubSpotStandIn]:
    """A running stand-in of HubSpot's CRM API that records every request."""
    standin = HubSpotStandIn()
    standin.start()
    yield standin
    standin.stop()
