"""A curator who types payloads into every admin text field saves nothing that runs, in the admin or in public."""

import pytest
from django.contrib import admin
from django.urls import reverse

from incubator.models import Toolkit
from practices.models import Practice
from tests import factories
from tests.admin_forms import change_form
from tests.html_safety import load_payloads, unsafe_markup

pytestmark = pytest.mark.django_db

PAYLOADS = load_payloads()
# Import runs are read-only records of imports, with pages of their own (tests/practices/test_import_upload.py).
CONTENT_MODELS = [
    model
    for model in admin.site._registry
    if model._meta.app_label in {"incubator", "practices"} and model._meta.model_name != "importrun"
]
PARENTS = ["practice", "programme", "country", "partnership", "organisation", "toolkit"]


def public_urls(obj):
    """The public pages that show this record's text: its own and its parents'."""
    records = [obj, *(getattr(obj, name, None) for name in PARENTS)]
    if hasattr(obj, "practices"):
        records += list(obj.practices.published())
    urls = []
    for record in records:
        if record is None or not hasattr(record, "get_absolute_url"):
            continue
        if isinstance(record, Practice) and record.status != Practice.Status.PUBLISHED:
            continue
        urls.append(record.get_absolute_url())
    return urls


def assert_safe(response, where):
    assert response.status_code == 200, where
    problems = unsafe_markup(response.content.decode())
    assert problems == [], f"{where}: {problems[:3]}"


def post_payloads(client, url, data, text_fields, payloads):
    """Post the form with each free-text field holding a payload; fields that refuse it keep their value."""
    refused = set()
    for _ in range(len(text_fields) + 1):
        edited = {**data}
        for n, name in enumerate(text_fields):
            if name not in refused:
                edited[name] = [payloads[n % len(payloads)]]
        response = client.post(url, edited)
        if response.status_code == 302:
            return {name: edited[name][0] for name in text_fields if name not in refused}
        assert_safe(response, f"{url} (form with errors)")
        errors = set(response.context["adminform"].form.errors)
        for formset in response.context["inline_admin_formsets"]:
            for form in formset.formset.forms:
                errors |= {f"{form.prefix}-{field}" for field in form.errors}
        assert errors - refused, f"{url}: the form keeps failing: {response.context['errors']}"
        refused |= errors
    raise AssertionError(f"{url}: never saved")


@pytest.fixture
def records(seed):
    practice = factories.practice(source_video=factories.video(), summary="A summary.")
    practice.themes.add(factories.theme())
    factories.theme_redirect()
    practice.countrymention_set.create(country=factories.country("PT"), sentence="Portugal made a kit.")
    practice.toolkitmention_set.create(toolkit=Toolkit.objects.first(), sentence="The kit.")
    factories.reference_candidate()


@pytest.mark.parametrize("model", CONTENT_MODELS, ids=lambda m: m._meta.label)
def test_admin_text_fields_never_render_a_payload_that_runs(curator_client, records, model):
    opts = model._meta
    obj = model.objects.order_by("pk").first()
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    data, text_fields = change_form(curator_client.get(url))
    assert text_fields, f"{opts.label} has no free-text field"
    saved_any = set()
    # Each post spreads the corpus over the fields, so every payload lands in some field.
    for start in range(0, len(PAYLOADS), len(text_fields)):
        payloads = PAYLOADS[start:] + PAYLOADS[:start]
        saved = post_payloads(curator_client, url, data, text_fields, payloads)
        saved_any |= set(saved)
        obj.refresh_from_db()
        assert_safe(curator_client.get(url), url)
        for public_url in public_urls(obj):
            assert_safe(curator_client.get(public_url), public_url)
    assert_safe(curator_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")), "changelist")
    assert_safe(
        curator_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])), "history"
    )
    # Some field took payloads, or this test proved nothing for the model.
    assert saved_any
