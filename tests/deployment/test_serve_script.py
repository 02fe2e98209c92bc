"""What scripts/serve.sh decides before gunicorn starts: where it listens, and one start at a time."""

import os
import subprocess
import time

from tests.conftest import PROJECT_ROOT

# Stands in for python: records when each manage.py step starts and ends.
STEP = """#!/usr/bin/env bash
echo "start $2 $TAG" >> "$STEPS"
sleep 0.5
echo "end $2 $TAG" >> "$STEPS"
"""


def stubbed_env(tmp_path, **overrides):
    step = tmp_path / "python"
    step.write_text(STEP)
    step.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k not in {"BIND", "PORT"}}
    env.update(PYTHON=str(step), GUNICORN="echo", STEPS=str(tmp_path / "steps.log"), **overrides)
    return env


def serve(env):
    return subprocess.Popen(["bash", "scripts/serve.sh"], cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, text=True)


def test_it_listens_on_loopback_unless_told_otherwise(tmp_path):
    out, _ = serve(stubbed_env(tmp_path)).communicate(timeout=60)
    assert "--bind 127.0.0.1:8000" in out
    out, _ = serve(stubbed_env(tmp_path, BIND="0.0.0.0:9000")).communicate(timeout=60)
    assert "--bind 0.0.0.0:9000" in out


def test_two_starts_at_once_collect_and_migrate_one_after_the_other(tmp_path):
    first = serve(stubbed_env(tmp_path, TAG="first"))
    time.sleep(0.1)
    second = serve(stubbed_env(tmp_path, TAG="second"))
    assert first.wait(timeout=60) == 0 and second.wait(timeout=60) == 0
    first.stdout.close()
    second.stdout.close()
    steps = [line.split() for line in (tmp_path / "steps.log").read_text().splitlines()]
    # Each process runs collectstatic then migrate with nobody else's step in between.
    assert [tag for _, _, tag in steps] == ["first"] * 4 + ["second"] * 4
    assert [name for _, name, _ in steps] == ["collectstatic", "collectstatic", "migrate", "migrate"] * 2
