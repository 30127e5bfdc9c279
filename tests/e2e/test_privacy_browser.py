"""The Privacy page in a real browser (Debian's Chromium driven by Playwright) on a real
``airflow standalone``: the DPO signs in, opens Privacy, registers an access request, follows
the run, approves it in Airflow's Required Actions when asked, retrieves the passphrase once and
downloads a package that opens and verifies; the auditor reads but cannot register; the app
refuses callers without a token. Screenshots of the main views are written to
``$GOVERNANCE_SCREENSHOTS`` (default: the test's folder) for the README."""

from __future__ import annotations

import json
import os
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from standalone_server import PASSWORDS, SEED, token

pytestmark = [pytest.mark.slow, pytest.mark.airflow]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SUBJECT_INDEX = 5  # not the subject test_standalone uses


@pytest.fixture(scope="module")
def chromium() -> str:
    """Debian's Chromium: installed here when missing (no browser download by Playwright)."""
    if not Path(CHROMIUM).exists():
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "chromium"],
            check=True,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
    assert Path(CHROMIUM).exists()
    return CHROMIUM


@contextmanager
def signed_in(executable: str, base: str, user: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        context = browser.new_context(
            viewport={"width": 1400, "height": 1000}, accept_downloads=True
        )
        page = context.new_page()
        page.set_default_timeout(90_000)  # both test passes share two cores with the API server
        page.goto(f"{base}/")
        page.get_by_label("Username").fill(user)
        page.get_by_label("Password").fill(PASSWORDS[user])
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/auth/login" not in url)
        try:
            yield page
        finally:
            browser.close()


def open_privacy(page):
    page.get_by_role("link", name="Privacy").click()
    frame = page.frame_locator("iframe")
    frame.locator("h1", has_text="Privacy").wait_for()
    return frame


def shots() -> Path:
    folder = Path(os.environ.get("GOVERNANCE_SCREENSHOTS") or Path(__file__).parent / ".shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def snap(page, frame, name: str) -> None:
    """A screenshot once the framed page has painted."""
    frame.locator("main").wait_for()
    page.wait_for_timeout(700)
    page.screenshot(path=shots() / name)


def row_status(frame, request_id: str) -> str:
    return frame.locator(f'tr[data-request-id="{request_id}"] td.status').inner_text().strip()


def test_the_dpo_registers_in_the_browser_and_the_auditor_only_reads(server, chromium):
    from governance.dsr.package import open_package, verify_package
    from governance.estate import subject

    base, tmp = server["base"], server["tmp"]
    person = subject(SEED, SUBJECT_INDEX)

    # Without a token the app answers nothing.
    assert httpx.get(f"{base}/privacy/api/requests", timeout=10).status_code == 401
    assert httpx.get(f"{base}/privacy/requests", timeout=10).status_code == 401
    assert httpx.post(f"{base}/privacy/api/requests", json={}, timeout=10).status_code == 401

    with signed_in(chromium, base, "dpo") as page:
        frame = open_privacy(page)
        frame.get_by_role("link", name="New request").click()
        frame.locator('select[name="type"]').select_option("access")
        frame.locator('input[name="identifiers.email"]').fill(person.email)
        frame.locator('input[name="identifiers.personas_kods"]').fill(person.personas_kods)
        frame.locator('input[name="identifiers.name"]').fill(person.full_name)
        frame.locator('input[name="reference"]').fill("ID card checked at the office")
        frame.get_by_role("button", name="Register and start").click()
        created = frame.locator("#created")
        created.wait_for(state="visible")
        assert "has started" in created.inner_text()
        request_id = created.locator('[data-field="request_id"]').inner_text().strip()
        snap(page, frame, "privacy-new-request.png")
        # The form was reset: the identifiers are no longer on the page.
        assert frame.locator('input[name="identifiers.email"]').input_value() == ""

        # Follow the request on the Requests page; approve in Airflow's Required Actions.
        approved = False
        waiting_since = None
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            page.goto(f"{base}/plugin/privacy")
            frame = page.frame_locator("iframe")
            frame.locator("#requests").wait_for()
            status = row_status(frame, request_id)
            if status.startswith("completed"):
                break
            assert not status.startswith("rejected"), status
            if status.startswith("awaiting approval") and not approved:
                waiting_since = waiting_since or time.monotonic()
                # A person answers after some seconds (Airflow 3.3.2 races an instant answer).
                if time.monotonic() - waiting_since >= 8:
                    snap(page, frame, "privacy-requests-awaiting-approval.png")
                    frame.locator(f'tr[data-request-id="{request_id}"] a.approval-link').click()
                    button = page.get_by_role("button", name="Approve", exact=True)
                    button.wait_for()
                    page.screenshot(path=shots() / "airflow-required-action.png")
                    button.click()
                    page.wait_for_timeout(2000)
                    approved = True
            time.sleep(3)
        else:
            raise AssertionError(f"request {request_id} did not complete: {status}")

        row = frame.locator(f'tr[data-request-id="{request_id}"]')
        assert row.locator("a.package-link").count() == 1
        assert row.locator("a.run-link").count() == 1
        snap(page, frame, "privacy-requests.png")

        row.get_by_role("button", name="passphrase (once)").click()
        secret = row.locator("output.secret")
        secret.wait_for()
        passphrase = secret.inner_text().split("Passphrase:", 1)[1].strip()
        with page.expect_download() as download:
            row.locator("a.package-link").click()
        package = tmp / "downloaded-package.zip"
        download.value.save_as(package)
        members = open_package(package, passphrase)
        assert verify_package(members) == []
        manifest = json.loads(members["manifest.json"])
        assert manifest["request_id"] == request_id
        assert manifest["complete"] is True

        page.reload()
        frame = page.frame_locator("iframe")
        row = frame.locator(f'tr[data-request-id="{request_id}"]')
        assert "passphrase retrieved" in row.inner_text()
        assert row.get_by_role("button", name="passphrase (once)").count() == 0

        frame.get_by_role("link", name="Legal holds").click()
        frame.locator("#holds").wait_for()
        snap(page, frame, "privacy-holds.png")

    with signed_in(chromium, base, "auditor") as page:
        frame = open_privacy(page)
        frame.locator("#requests").wait_for()
        assert "read-only" in frame.locator("header").inner_text()
        assert frame.get_by_role("link", name="New request").count() == 0
        row = frame.locator(f'tr[data-request-id="{request_id}"]')
        assert row_status(frame, request_id).startswith("completed")
        assert row.locator("button").count() == 0 and row.locator("a.package-link").count() == 0
        frame.get_by_role("link", name="Audit").click()
        verdict = frame.locator("#ledger-verdict")
        verdict.wait_for()
        assert "Ledger: intact" in verdict.inner_text()
        snap(page, frame, "privacy-audit.png")
        # Even a same-origin call from the auditor's own session is refused.
        refused = page.evaluate(
            """async () => (await fetch('/privacy/api/requests', {method: 'POST',
                 headers: {'Content-Type': 'application/json'}, body: '{}'})).status"""
        )
        assert refused == 403

    # Airflow holds the request id only; no log of the run names the person.
    dpo = token(base, "dpo")
    runs = httpx.get(f"{base}/api/v2/dags/dsr/dagRuns?limit=100", headers=dpo, timeout=10).json()
    confs = [r["conf"] for r in runs["dag_runs"] if r["conf"].get("request_id") == request_id]
    assert confs == [{"request_id": request_id}]
    logs = [p for p in (tmp / "airflow" / "logs").rglob("*") if p.is_file()]
    logs.append(tmp / "standalone.log")
    text = "\n".join(p.read_text(errors="replace") for p in logs).lower()
    forms = {
        person.email,
        person.personas_kods,
        person.personas_kods.replace("-", ""),
        person.full_name,
    }
    assert request_id in text
    assert sorted(f for f in forms if f.lower() in text) == []
