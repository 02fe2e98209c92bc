"""The HTML of every page type, in English and in French, passes the Nu HTML Checker (vnu.jar from npm,
run with the system Java)."""

import json
import shutil
import subprocess

import pytest
from django.template import loader

from tests.conftest import PROJECT_ROOT
from tests.sample_site import build_sample_site

VNU_JAR = PROJECT_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.fixture
def vnu():
    java = shutil.which("java")
    if java is None:
        pytest.skip("no Java runtime: scripts/system-deps.sh installs one")
    if not VNU_JAR.is_file():
        pytest.skip("node_modules/vnu-jar is missing: run `npm ci` (make install does)")
    return [java, "-jar", str(VNU_JAR)]


def test_every_page_type_is_valid_html(client, seed, vnu, tmp_path):
    files = []
    for name, url in build_sample_site().items():
        for prefix in ("", "/fr"):
            response = client.get(prefix + url)
            assert response.status_code in (200, 400, 404), (name, prefix, response.status_code)
            path = tmp_path / f"{name}{prefix.replace('/', '-')}.html"
            path.write_bytes(response.content)
            files.append(path)
    server_error = tmp_path / "server_error.html"
    server_error.write_text(loader.get_template("500.html").render(), encoding="utf-8")
    files.append(server_error)

    # One Java start for all pages: the checker takes seconds to start and milliseconds per page.
    result = subprocess.run(  # noqa: S603 (fixed arguments, no shell)
        [*vnu, "--format", "json", "--stdout", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(result.stdout)["messages"]
    errors = [
        f"{m['url'].rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] == "error" or m.get("subType") == "fatal"
    ]
    assert errors == [], "\n".join(errors)
    assert len(files) == 39
