"""``governance lint`` and ``governance ropa`` through the real CLI entry point."""

from __future__ import annotations

from pathlib import Path

from governance.cli import main
from governance.policy import policy_version

FIXTURES = Path(__file__).parent / "fixtures"
VALID = FIXTURES / "valid"


def test_lint_clean_policy_exits_0_with_summary(capsys):
    assert main(["lint", "--policy", str(VALID)]) == 0
    out = capsys.readouterr().out.strip()
    assert out == (
        f"OK policy {policy_version(VALID)}: 2 purposes, 2 sources, 4 entities, 3 retention rules"
    )


def test_lint_broken_policy_exits_1_with_path_line_message(capsys):
    root = FIXTURES / "rule_on_missing_column"
    assert main(["lint", "--policy", str(root)]) == 1
    captured = capsys.readouterr()
    (line,) = captured.out.splitlines()
    path, number, message = line.split(":", 2)
    assert Path(path).resolve() == (root / "purposes" / "recruitment.yaml").resolve()
    assert number == "17"
    assert message.startswith(" rule 'candidates_after_competition': anchor column")
    assert "1 problem" in captured.err


def test_lint_uses_governance_policy_env(monkeypatch, capsys):
    monkeypatch.setenv("GOVERNANCE_POLICY", str(FIXTURES / "duplicate_rule_id"))
    assert main(["lint"]) == 1
    assert "duplicate rule id" in capsys.readouterr().out


def test_ropa_to_stdout(capsys):
    assert main(["ropa", "--policy", str(VALID), "--lang", "en", "--format", "md"]) == 0
    assert "# Record of processing activities" in capsys.readouterr().out


def test_ropa_to_file(tmp_path: Path, capsys):
    target = tmp_path / "out" / "ropa.html"
    args = ["ropa", "--policy", str(VALID), "--lang", "lv", "--format", "html", "--out"]
    assert main([*args, str(target)]) == 0
    assert '<html lang="lv">' in target.read_text("utf-8")
    assert str(target) in capsys.readouterr().out


def test_ropa_of_a_broken_policy_exits_2_naming_the_problem(capsys):
    assert main(["ropa", "--policy", str(FIXTURES / "yaml_syntax_error")]) == 2
    assert "einvoice.yaml:3: YAML syntax error" in capsys.readouterr().err
