"""Property-based check of the API against its own OpenAPI description, with schemathesis.

Every generated request must get an answer that is not a server error and that matches the
description: documented status code, content type and body schema.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from opsi_portal.wsgi import application
from tests import factories

# Generating the description touches no database, so it is loaded once, when tests are collected.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


@pytest.fixture
def api_data(seed):
    """A few published practices and a draft, served through the WSGI app in the test's transaction."""
    # As Django's test client does: keep the test's connection (and its transaction) across requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    theme = factories.theme(name="Anticipatory innovation", slug="anticipatory-innovation")
    for n in range(3):
        practice = factories.practice(title=f"Published practice {n}", summary="A summary.")
        practice.themes.add(theme)
        practice.countries.add(factories.country("PT"))
    factories.practice(title="A draft", status="draft")
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi_description(case, api_data):
    # A filter value that looks valid but names no record is rightly refused with 400, which
    # positive_data_acceptance would count as a failure; every other built-in check runs.
    # The WSGI client asks for gzip but does not decode it; the portal compresses public answers.
    case.call_and_validate(headers={"Accept-Encoding": "identity"}, excluded_checks=[positive_data_acceptance])
