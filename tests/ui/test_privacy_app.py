"""The Privacy page against Airflow's real API server: who may see and change what, cross-site
requests refused, identifiers kept out of Airflow (run conf), out of responses and out of the
audit trail, errors per field with nothing stored."""

from __future__ import annotations

import json
from datetime import date, timedelta
from urllib.parse import unquote

import httpx
import pytest

from governance.estate import subject

pytestmark = pytest.mark.airflow

SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin", "Content-Type": "application/json"}


def browser(api: str, token: str | None) -> httpx.Client:
    """A client that authenticates like the UI does: the ``_token`` cookie."""
    cookies = {"_token": token} if token else {}
    return httpx.Client(base_url=f"{api}/privacy/", cookies=cookies, timeout=30)


def person_ids(index: int) -> dict[str, str]:
    p = subject(77, index)
    return {
        "email": p.email,
        "phone": p.phone,
        "personas_kods": p.personas_kods,
        "name": p.full_name,
    }


def new_request(**overrides) -> dict:
    body = {
        "type": "access",
        "scope": ["*"],
        "received": date.today().isoformat(),
        "verified_by": "in_person_id_document",
        "reference": "ID card checked at the front desk",
        "identifiers": person_ids(1),
    }
    body.update(overrides)
    return body


def post(client: httpx.Client, url: str, body: dict, headers: dict | None = None) -> httpx.Response:
    return client.post(url, content=json.dumps(body), headers=headers or SAME_ORIGIN)


def request_count() -> int:
    from governance.dsr.requests import list_requests
    from governance.store import open_store

    return len(list_requests(open_store()))


# ---- who may do what -------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["requests", "new", "holds", "audit", "api/requests"])
def test_no_token_is_refused_with_401(api, path):
    assert browser(api, None).get(path).status_code == 401


def test_a_forged_token_is_refused_with_403(api):
    assert browser(api, "not.a.jwt").get("requests").status_code == 403
    response = httpx.get(
        f"{api}/privacy/api/requests", headers={"Authorization": "Bearer forged"}, timeout=10
    )
    assert response.status_code == 403


def test_the_auditor_reads_but_cannot_register_or_change(api, tokens):
    auditor = browser(api, tokens["auditor"])
    page = auditor.get("requests")
    assert page.status_code == 200
    assert "read-only" in page.text and 'id="nav-new"' not in page.text
    assert 'data-action="run"' not in page.text
    assert auditor.get("audit").status_code == 200
    assert auditor.get("holds").status_code == 200
    assert auditor.get("new").status_code == 403
    before = request_count()
    assert post(auditor, "api/requests", new_request()).status_code == 403
    assert request_count() == before
    hold = {"purpose": "cctv", "kind": "time_range", "reason": "test"}
    assert post(auditor, "api/holds", hold).status_code == 403


def test_the_dpo_sees_the_form_and_the_actions(api, tokens):
    dpo = browser(api, tokens["dpo"])
    page = dpo.get("new")
    assert page.status_code == 200
    assert 'name="identifiers.personas_kods"' in page.text
    assert "Data Protection Officer" in page.text


def test_every_page_sets_a_strict_content_security_policy(api, tokens):
    response = browser(api, tokens["auditor"]).get("requests")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["cache-control"] == "no-store"


def test_the_plugin_is_in_airflows_navigation(api, tokens):
    response = httpx.get(
        f"{api}/api/v2/plugins", headers={"Authorization": f"Bearer {tokens['auditor']}"}
    )
    plugin = next(p for p in response.json()["plugins"] if p["name"] == "privacy")
    view = plugin["external_views"][0]
    assert (view["name"], view["url_route"], view["href"]) == (
        "Privacy",
        "privacy",
        "privacy/requests",
    )
    assert plugin["fastapi_apps"][0]["url_prefix"] == "/privacy"


# ---- cross-site request forgery --------------------------------------------------------------


@pytest.mark.parametrize(
    "headers, status",
    [
        ({"Sec-Fetch-Site": "cross-site", "Content-Type": "application/json"}, 403),
        ({"Origin": "http://evil.example", "Content-Type": "application/json"}, 403),
        ({"Content-Type": "application/json"}, 403),  # neither header: not a same-origin browser
        ({"Sec-Fetch-Site": "same-origin", "Content-Type": "text/plain"}, 415),
        (
            {"Sec-Fetch-Site": "same-origin", "Content-Type": "application/x-www-form-urlencoded"},
            415,
        ),
    ],
)
def test_cookie_authenticated_writes_from_another_site_are_refused(api, tokens, headers, status):
    dpo = browser(api, tokens["dpo"])
    before = request_count()
    assert post(dpo, "api/requests", new_request(), headers).status_code == status
    assert request_count() == before


def test_a_same_origin_write_is_accepted_by_origin_header_too(api, tokens):
    dpo = browser(api, tokens["dpo"])
    headers = {"Origin": api, "Content-Type": "application/json"}
    response = post(dpo, "api/requests", new_request(identifiers=person_ids(2)), headers)
    assert response.status_code == 201, response.text


# ---- registering a request -------------------------------------------------------------------


def test_registering_stores_the_request_and_starts_a_run_with_its_id_only(api, tokens):
    from airflow.models import DagRun
    from airflow.utils.session import create_session

    from governance.audit.ledger import Ledger
    from governance.store import open_store

    ids = person_ids(3)
    dpo = browser(api, tokens["dpo"])
    response = post(dpo, "api/requests", new_request(identifiers=ids))
    assert response.status_code == 201, response.text
    result = response.json()
    request_id = result["request_id"]
    assert result["status"] == "verified"
    assert date.fromisoformat(result["due"]) > date.today() + timedelta(days=27)
    assert result["run_id"], result
    assert result["run_url"].endswith(f"/dags/dsr/runs/{result['run_id']}")

    with create_session() as session:
        run = session.query(DagRun).filter_by(dag_id="dsr", run_id=result["run_id"]).one()
        assert run.conf == {"request_id": request_id}
        assert run.triggering_user_name == "dpo"

    second = post(dpo, f"api/requests/{request_id}/run", {})
    assert second.status_code == 409, "a second run while one is under way must be refused"
    entries = Ledger(open_store()).of_event("dsr_run_started", request_id=request_id)
    assert [e.detail["run_id"] for e in entries] == [result["run_id"]]
    assert entries[0].actor == "ui:dpo"

    listing = dpo.get("requests").text
    assert request_id in listing
    assert f"dags/dsr/runs/{result['run_id']}" in unquote(listing)
    every_text = listing + json.dumps(result) + dpo.get("api/requests").text
    every_text += "".join(e.line() for e in Ledger(open_store()).entries())
    for value in ids.values():
        assert value not in every_text


def test_bad_input_names_each_field_stores_nothing_and_repeats_no_value(api, tokens):
    dpo = browser(api, tokens["dpo"])
    bad = new_request(
        type="delete_everything",
        received="2026-13-45",
        verified_by="a_phone_call",
        identifiers={"email": "not-an-email' OR 1=1 --", "personas_kods": "311399-1234"},
    )
    before = request_count()
    response = post(dpo, "api/requests", bad)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert {
        "type",
        "received",
        "verified_by",
        "identifiers.email",
        "identifiers.personas_kods",
    } <= set(errors)
    assert "expected" in errors["identifiers.email"]
    assert "not-an-email" not in response.text and "311399" not in response.text
    assert request_count() == before


def test_a_body_that_is_not_an_object_is_refused_without_echo(api, tokens):
    dpo = browser(api, tokens["dpo"])
    response = dpo.post("api/requests", content=b'["040404-12345"', headers=SAME_ORIGIN)
    assert response.status_code == 422
    assert "040404" not in response.text


def test_an_unverified_request_is_stored_but_never_started(api, tokens):
    dpo = browser(api, tokens["dpo"])
    response = post(
        dpo, "api/requests", new_request(verified_by="", reference="", identifiers=person_ids(4))
    )
    assert response.status_code == 201, response.text
    result = response.json()
    assert result["status"] == "registered" and "run_id" not in result
    refused = post(dpo, f"api/requests/{result['request_id']}/run", {})
    assert refused.status_code == 409
    assert "not verified" in refused.json()["errors"]["request"]


def test_extending_a_deadline_needs_a_reason_and_moves_the_due_date(api, tokens):
    dpo = browser(api, tokens["dpo"])
    created = post(dpo, "api/requests", new_request(identifiers=person_ids(5))).json()
    missing = post(dpo, f"api/requests/{created['request_id']}/extend", {"months": 2})
    assert missing.status_code == 422 and "reason" in missing.json()["errors"]
    too_long = post(
        dpo, f"api/requests/{created['request_id']}/extend", {"months": 3, "reason": "complex"}
    )
    assert too_long.status_code == 422
    assert too_long.json()["errors"]["months"].startswith("expected 1 or 2")  # no "--months"
    ok = post(
        dpo,
        f"api/requests/{created['request_id']}/extend",
        {"months": 2, "reason": "many archived documents to review"},
    )
    assert ok.status_code == 200, ok.text
    assert date.fromisoformat(ok.json()["due"]) > date.fromisoformat(created["due"]) + timedelta(
        days=55
    )
    page = dpo.get("requests").text
    assert "many archived documents to review" in page


def test_a_passphrase_before_any_package_is_refused(api, tokens):
    dpo = browser(api, tokens["dpo"])
    created = post(dpo, "api/requests", new_request(identifiers=person_ids(6))).json()
    response = post(dpo, f"api/requests/{created['request_id']}/passphrase", {})
    assert response.status_code == 409
    assert "no package" in response.json()["errors"]["passphrase"]
    assert dpo.get(f"requests/{created['request_id']}/package").status_code == 404


def test_unknown_request_ids_are_404(api, tokens):
    dpo = browser(api, tokens["dpo"])
    assert post(dpo, "api/requests/00000000-0000-0000-0000-000000000000/run", {}).status_code == 404
    assert dpo.get("requests/nope/response").status_code == 404


# ---- legal holds -----------------------------------------------------------------------------


def test_a_subject_hold_stores_a_keyed_hash_and_can_be_released(api, tokens):
    from governance.identity import subject_ref

    ids = person_ids(7)
    dpo = browser(api, tokens["dpo"])
    placed = post(
        dpo,
        "api/holds",
        {
            "purpose": "parcel_locker",
            "kind": "subject",
            "identifier_kind": "email",
            "identifier": ids["email"],
            "reason": "court case 12/2026 <script>alert(1)</script>",
        },
    )
    assert placed.status_code == 201, placed.text
    hold_id = placed.json()["hold_id"]
    page = dpo.get("holds").text
    assert subject_ref("email", ids["email"]) in page
    assert ids["email"] not in page and ids["email"] not in placed.text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    released = post(dpo, f"api/holds/{hold_id}/release", {"reason": "case closed"})
    assert released.status_code == 200, released.text
    states = {h["id"]: h["state"] for h in dpo.get("api/holds").json()}
    assert states[hold_id] == "released"
    again = post(dpo, f"api/holds/{hold_id}/release", {"reason": "again"})
    assert again.status_code == 422
    assert again.json()["errors"] == {"id": "this hold was already released"}


def test_hold_errors_name_the_field(api, tokens):
    dpo = browser(api, tokens["dpo"])
    bad_purpose = post(dpo, "api/holds", {"purpose": "nope", "kind": "time_range", "reason": "x y"})
    assert bad_purpose.status_code == 422 and "purpose" in bad_purpose.json()["errors"]
    bad_id = post(
        dpo,
        "api/holds",
        {
            "purpose": "parcel_locker",
            "kind": "subject",
            "identifier_kind": "personas_kods",
            "identifier": "999999-00000",
            "reason": "case",
        },
    )
    assert bad_id.status_code == 422 and "identifier" in bad_id.json()["errors"]
    assert "999999" not in bad_id.text
    bad_until = post(
        dpo,
        "api/holds",
        {"purpose": "parcel_locker", "kind": "time_range", "reason": "case", "until": "soon"},
    )
    assert bad_until.json()["errors"] == {"until": "expected a date YYYY-MM-DD"}


# ---- the auditor's view ----------------------------------------------------------------------


def test_the_audit_page_verifies_the_ledger_and_shows_no_identifiers(api, tokens):
    auditor = browser(api, tokens["auditor"])
    page = auditor.get("audit")
    assert page.status_code == 200
    assert "Ledger: intact" in page.text
    for title in ("Retention sweeps", "Anonymisation gates", "Data-subject requests"):
        assert title in page.text
    ropa = auditor.get("audit/ropa", params={"lang": "lv"})
    assert ropa.status_code == 200 and "<html" in ropa.text.lower()
    for index in range(1, 8):
        for value in person_ids(index).values():
            assert value not in page.text


# ---- a request carried out: passphrase once, package, response letters -------------------


@pytest.fixture
def small_estate(tmp_path, monkeypatch):
    """A demo estate the request tasks can search (the page itself never reads it)."""
    from governance.estate import build_estate, connection_env

    folder = tmp_path / "estate"
    build_estate(folder, 120, 77)
    for key, value in connection_env(folder).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("GOVERNANCE_ESTATE", str(folder))
    return folder


def carry_out(request_id: str) -> None:
    """The ``dsr`` DAG's task bodies in order (no scheduler runs in these tests)."""
    from datetime import UTC, datetime

    from governance.dsr import tasks
    from governance.dsr.approval import APPROVE

    loaded = tasks.load(request_id, "test")
    for system in loaded["systems"]:
        tasks.locate(request_id, system)
    planned = tasks.plan(request_id, date.today(), datetime.now(UTC))
    done = tasks.carry_out(request_id, APPROVE if planned["needs_approval"] else None, "test")
    tasks.verify(request_id)
    responded = tasks.respond(request_id, done["include_uncertain"], date.today())
    tasks.record(request_id, "test", {**done, **responded})


def test_the_passphrase_is_shown_once_and_opens_the_downloaded_package(
    api, tokens, small_estate, tmp_path
):
    from governance.dsr.package import open_package, verify_package

    dpo = browser(api, tokens["dpo"])
    ids = {"email": subject(77, 3).email}
    created = post(dpo, "api/requests", new_request(identifiers=ids)).json()
    request_id = created["request_id"]
    carry_out(request_id)

    first = post(dpo, f"api/requests/{request_id}/passphrase", {})
    assert first.status_code == 200, first.text
    passphrase = first.json()["passphrase"]
    second = post(dpo, f"api/requests/{request_id}/passphrase", {})
    assert second.status_code == 409 and "already retrieved" in second.text
    assert (
        post(
            browser(api, tokens["auditor"]), f"api/requests/{request_id}/passphrase", {}
        ).status_code
        == 403
    )

    assert browser(api, tokens["auditor"]).get(f"requests/{request_id}/package").status_code == 403
    download = dpo.get(f"requests/{request_id}/package")
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/zip"
    (tmp_path / "package.zip").write_bytes(download.content)
    members = open_package(tmp_path / "package.zip", passphrase)
    assert verify_package(members) == []
    assert json.loads(members["manifest.json"])["request_id"] == request_id
    row = next(r for r in dpo.get("api/requests").json() if r["id"] == request_id)
    assert row["status"] == "completed" and row["passphrase_retrieved"] is True


def test_the_response_letters_download_in_both_languages(api, tokens, small_estate):
    dpo = browser(api, tokens["dpo"])
    ids = {"email": subject(77, 4).email}
    created = post(dpo, "api/requests", new_request(type="restriction", identifiers=ids)).json()
    request_id = created["request_id"]
    assert dpo.get(f"requests/{request_id}/response").status_code == 404
    carry_out(request_id)
    page = dpo.get("requests").text
    assert f"requests/{request_id}/response?lang=lv" in page
    for lang in ("lv", "en"):
        letter = dpo.get(f"requests/{request_id}/response", params={"lang": lang})
        assert letter.status_code == 200
        assert request_id in letter.text and "<html" in letter.text.lower()
    assert dpo.get(f"requests/{request_id}/response", params={"lang": "de"}).status_code == 422
    assert browser(api, tokens["auditor"]).get(f"requests/{request_id}/response").status_code == 403
