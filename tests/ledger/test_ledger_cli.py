"""``governance audit verify`` and ``governance audit log`` through the real CLI entry point."""

from __future__ import annotations

import sqlite3

import pytest

from governance.audit.ledger import Ledger
from governance.cli import main
from governance.store import open_store


@pytest.fixture
def store(tmp_path):
    path = tmp_path / "gov.db"
    url = f"sqlite:///{path}"
    ledger = Ledger(open_store(url))
    for i in range(3):
        ledger.append("retention.swept", "scheduler", purpose="marketing", counts={"deleted": i})
    return url, path, ledger


def test_verify_ok(store, capsys):
    url, _, ledger = store
    assert main(["audit", "verify", "--store", url]) == 0
    out = capsys.readouterr().out.strip()
    assert out == f"ledger OK: 3 entries, head {ledger.head().hash[:12]}"


def test_verify_broken(store, capsys):
    url, path, _ = store
    with sqlite3.connect(path) as db:
        db.execute("UPDATE ledger_entries SET actor = 'mallory' WHERE seq = 2")
    assert main(["audit", "verify", "--store", url]) == 1
    out = capsys.readouterr().out.strip()
    assert out.startswith("ledger BROKEN at entry #2: content changed")


def test_verify_with_anchor(store, capsys):
    url, _, ledger = store
    anchor = ledger.head().hash
    assert main(["audit", "verify", "--store", url, "--anchor", anchor]) == 0
    assert main(["audit", "verify", "--store", url, "--anchor", "e" * 64]) == 1
    assert "anchor eeeeeeeeeeee is not in the chain" in capsys.readouterr().out


def test_verify_uses_the_configured_store(store, capsys, monkeypatch):
    url, _, _ = store
    monkeypatch.setenv("GOVERNANCE_STORE_URL", url)
    assert main(["audit", "verify"]) == 0
    assert "3 entries" in capsys.readouterr().out


def test_verify_missing_store_is_a_configuration_error(tmp_path, capsys):
    missing = tmp_path / "nowhere" / "gov.db"
    assert main(["audit", "verify", "--store", f"sqlite:///{missing}"]) == 2
    assert "no governance store" in capsys.readouterr().err
    assert not missing.exists()


def test_log_prints_newest_entries(store, capsys):
    url, _, ledger = store
    assert main(["audit", "log", "--store", url, "--limit", "2"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split()[0] for line in lines] == ["#2", "#3"]
    assert "event=retention.swept" in lines[0]
    assert "purpose=marketing" in lines[0]
    assert "counts=deleted:2" in lines[1]
    assert lines[1].endswith(f"hash={ledger.head().hash[:12]}")
