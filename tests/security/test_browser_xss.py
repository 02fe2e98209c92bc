"""In a real Chromium, pages and admin screens full of XSS payloads run none of them, even with CSP off."""

import threading

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from incubator.models import Programme
from practices.importing import import_notes
from practices.models import Practice
from tests import factories
from tests.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.html_safety import load_payloads
from tests.security.test_xss_import import payload_note

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PAYLOADS = load_payloads()
BROWSER_SECONDS = 300
# Runs before any page script: the payloads call xssHit(); CSP violations are recorded too.
WATCH = """
window.__xss = [];
window.xssHit = () => window.__xss.push(location.pathname);
document.addEventListener("securitypolicyviolation", e => {
  (window.__csp = window.__csp || []).push(e.violatedDirective + " " + e.blockedURI);
});
"""
# Fire the events inline handlers listen to on every element, as a curious user would.
POKE = """
() => {
  const types = ["mouseover", "mouseenter", "pointerenter", "focus", "animationstart", "toggle", "error", "load"];
  for (const el of document.querySelectorAll("body *")) {
    for (const type of types) el.dispatchEvent(new Event(type));
    if (!el.closest("a, button, form, input, select, textarea, label, summary")) {
      el.dispatchEvent(new MouseEvent("click"));
    }
  }
  return [window.__xss, window.__csp || []];
}
"""


def in_browser(task):
    """Run `task(browser)` in a thread of its own and return its result.

    Playwright's sync API runs an event loop; kept off the test thread, it cannot swap the context
    that Django's database connections (and pytest-django's serialized rollback) live in.
    """
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    outcome = {}

    def run():
        try:
            with sync_api.sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                try:
                    outcome["result"] = task(browser)
                finally:
                    browser.close()
        except BaseException as error:  # noqa: BLE001 (re-raised in the test thread)
            outcome["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(BROWSER_SECONDS)
    if "error" in outcome:
        raise outcome["error"]
    assert "result" in outcome, "the browser did not finish in time"
    return outcome["result"]


@pytest.fixture
def payload_pages(tmp_path):
    """Public pages carrying the whole corpus: curated practices, themes and imported notes."""
    urls = ["/", reverse("practices:practice_list")]
    for start in range(0, len(PAYLOADS), 20):
        chunk = PAYLOADS[start : start + 20]
        practice = factories.practice(
            title=chunk[0], summary=chunk[-1], body_markdown="\n\n".join(chunk), source_video=factories.video()
        )
        theme = factories.theme(name=f"{chunk[1]} {start}"[:100])
        practice.themes.add(theme)
        urls += [practice.get_absolute_url(), theme.get_absolute_url()]
    vault = tmp_path / "vault"
    vault.mkdir()
    for n, payload in enumerate(PAYLOADS[::8]):
        (vault / f"payload_note_{n}.md").write_text(payload_note(n, payload), encoding="utf-8")
    result = import_notes([vault], status="published")
    assert result.created
    urls += [p.get_absolute_url() for p in Practice.objects.filter(note_key__isnull=False)[:8]]
    return urls


def visit(context, base, urls):
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    hits, violations = [], []
    for url in urls:
        response = page.goto(base + url)
        assert response.status == 200, url
        page.wait_for_load_state("load")
        hit, csp = page.evaluate(POKE)
        hits += hit
        violations += [f"{url}: {v}" for v in csp]
    page.close()
    return dialogs, hits, violations


@pytest.mark.parametrize("csp", ["enforced", "bypassed"])
def test_no_payload_runs_on_public_pages(live_server, payload_pages, csp):
    # With CSP bypassed, this checks the sanitiser alone: CSP is the second line, not the only one.
    def task(browser):
        context = browser.new_context(bypass_csp=csp == "bypassed")
        context.add_init_script(WATCH)
        try:
            return visit(context, live_server.url, payload_pages)
        finally:
            context.close()

    dialogs, hits, violations = in_browser(task)
    assert dialogs == []
    assert hits == []
    assert violations == []


def test_the_admin_works_under_the_csp_and_runs_no_payload(live_server, seed):
    curator = User.objects.create_user("curator", password="a-long-curator-password", is_staff=True)
    curator.groups.add(Group.objects.get(name="Curators"))
    practice = factories.practice(title=PAYLOADS[0], body_markdown="\n\n".join(PAYLOADS[:40]))
    practice.title = PAYLOADS[1]
    practice.save()
    change_url = reverse("admin:practices_practice_change", args=[practice.pk])
    history_url = reverse("admin:practices_practice_history", args=[practice.pk])
    history = practice.history.order_by("history_id").first()
    urls = [
        reverse("admin:index"),
        reverse("admin:practices_practice_changelist"),
        change_url,
        history_url,
        reverse("admin:practices_practice_simple_history", args=[practice.pk, history.history_id]),
        reverse("admin:incubator_programme_change", args=[Programme.objects.first().pk]),
    ]

    def task(browser):
        context = browser.new_context()
        context.add_init_script(WATCH)
        page = context.new_page()
        dialogs, hits, violations = [], [], []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(live_server.url + reverse("admin:login"))
        page.fill("#id_username", "curator")
        page.fill("#id_password", "a-long-curator-password")
        page.click("input[type=submit]")
        page.wait_for_url(live_server.url + "/admin/")
        for url in urls:
            assert page.goto(live_server.url + url).status == 200, url
            page.wait_for_load_state("load")
            hit, csp = page.evaluate("() => [window.__xss, window.__csp || []]")
            hits += hit
            violations += [f"{url}: {v}" for v in csp]
        # The admin's own scripts ran under the policy: the autocomplete widgets were built.
        page.goto(live_server.url + change_url)
        page.wait_for_selector(".select2-container", timeout=10_000)
        context.close()
        return dialogs, hits, violations

    dialogs, hits, violations = in_browser(task)
    assert dialogs == []
    assert hits == []
    # django-simple-history's history list styles one paginator with a style attribute; the policy
    # blocks it (a cosmetic border) and nothing else.
    assert [v for v in violations if v != f"{history_url}: style-src-attr inline"] == []
