"""The Great Expectations project of the anonymisation gates: files in the repository, results
and Data Docs in the reports folder.

``gx/`` at the project root is an ordinary file-backed GX project, generated from the policy and
reviewed like code: one expectation suite per anonymising rule (``expectations/``), one
validation definition and one **checkpoint** per rule (``checkpoints/``, with the counts-only
result format pinned on it and an ``UpdateDataDocs`` action), and one SQL data source per
source system whose connection string is a variable (``${GOVERNANCE_GX_URL_<SYSTEM>}``, filled
at run time from the Airflow connection, so no credential is ever written). Validation results
(the history) and the Data Docs site are written under ``<reports>/gx/``, never into the
repository.

    scripts/with-env python -m governance.anonymise.gx_project sync    # after a policy change
    scripts/with-env python -m governance.anonymise.gx_project check   # exit 1 if gx/ is stale

The gates refuse to run on a stale project (the stored suite must be the one the policy's spec
generates), so what was reviewed is what runs. :func:`data_docs_index` is the page the Privacy
page's Audit tab links to.
"""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path
from typing import Any

import yaml

from governance import settings
from governance.errors import ConfigurationError
from governance.policy import Policy

#: Names in the project are derived from the policy; ids are derived from the names, so the
#: files are the same on every machine and a diff shows only what the policy changed.
_NAMESPACE = uuid.UUID("6f1d7c2e-3c1a-4b8e-9d0a-2a6b3f4e5d60")
BATCH_DEFINITION = "whole table"
#: Counts only: GX's default result formats would copy failing values into results and Docs.
RESULT_FORMAT = {
    "result_format": "SUMMARY",
    "partial_unexpected_count": 0,
    "include_unexpected_rows": False,
    "return_unexpected_index_query": False,
}
_HEADER = (
    "# The anonymisation gates' Great Expectations project, generated from the policy by\n"
    "#   scripts/with-env python -m governance.anonymise.gx_project sync\n"
    "# Review changes like code. Connection strings are variables filled at run time from the\n"
    "# Airflow connections; results and Data Docs go to ${GOVERNANCE_GX_RESULTS} (reports/gx).\n"
)


def _id(kind: str, name: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{kind}:{name}"))


def project_root() -> Path:
    """The GX project folder (``GOVERNANCE_GX_PROJECT``, default ``gx/`` in the checkout)."""
    return settings.gx_project_dir()


def results_dir() -> Path:
    """Where validation results and Data Docs go: ``<reports>/gx``."""
    return settings.reports_dir() / "gx"


def data_docs_index() -> Path:
    """The Data Docs site's index page (it exists once a gate has run)."""
    return results_dir() / "data_docs" / "index.html"


def url_variable(system: str) -> str:
    return f"GOVERNANCE_GX_URL_{system.upper()}"


def gate_name(purpose_id: str, rule_id: str) -> str:
    """The gate's name in logs and evidence: ``purpose.rule``."""
    return f"{purpose_id}.{rule_id}"


def gx_name(purpose_id: str, rule_id: str) -> str:
    """The checkpoint's and validation definition's name: ``purpose__rule`` (GX's file stores
    read a dot in a name as a folder)."""
    return f"{purpose_id}__{rule_id}"


def suite_name(purpose_id: str, rule_id: str) -> str:
    return f"anonymised__{gx_name(purpose_id, rule_id)}"


def datasource_name(system: str) -> str:
    return f"estate_{system}"


def anonymising_rules(policy: Policy) -> list[tuple[str, Any]]:
    """``(purpose id, rule)`` of every rule that anonymises, in policy order."""
    return [(purpose.id, rule) for purpose, rule in policy.rules() if rule.action == "anonymise"]


def people_tables(policy: Policy, entity: str) -> list[dict[str, list[str] | str]]:
    """The tables (and their name and address columns) of the persons an entity's rows link
    to, in the same system: what the scrub and the gate read the linked persons from."""
    from governance.anonymise.linked import linked_people_tables

    return linked_people_tables(policy, entity)


def suite_document(policy: Policy, purpose_id: str, rule) -> dict[str, Any]:
    """The suite of one rule as GX stores it (JSON), with stable ids."""
    from governance.anonymise.gates import expectations as gate_expectations

    name = suite_name(purpose_id, rule.id)
    found = gate_expectations(rule.anonymise, people=people_tables(policy, rule.entity))
    expectations = []
    for index, expectation in enumerate(found):
        config = expectation.configuration.to_json_dict()
        expectations.append(
            {
                "id": _id("expectation", f"{name}#{index}"),
                "kwargs": config["kwargs"],
                "meta": {},
                "severity": "critical",
                "type": config["type"],
            }
        )
    return {
        "expectations": expectations,
        "id": _id("suite", name),
        "meta": {"great_expectations_version": _gx_version(), "generated_from": "policy"},
        "name": name,
        "notes": None,
    }


def _gx_version() -> str:
    import great_expectations

    return great_expectations.__version__


def render_project(policy: Policy) -> dict[str, str]:
    """Every file of the project, by path relative to its root, as text."""
    files: dict[str, str] = {}
    datasources: dict[str, Any] = {}
    for purpose_id, rule in anonymising_rules(policy):
        system = rule.entity.split(".", 1)[0]
        name = gx_name(purpose_id, rule.id)
        suite = suite_document(policy, purpose_id, rule)
        files[f"expectations/{suite['name']}.json"] = _json(suite)
        source_name = datasource_name(system)
        table = rule.anonymise.target_table
        source = datasources.setdefault(
            source_name,
            {
                "type": "sql",
                "id": _id("datasource", source_name),
                "connection_string": "${" + url_variable(system) + "}",
                "assets": {},
            },
        )
        source["assets"][table] = {
            "type": "table",
            "id": _id("asset", f"{source_name}.{table}"),
            "table_name": table,
            "batch_metadata": {},
            "batch_definitions": {
                BATCH_DEFINITION: {
                    "id": _id("batch_definition", f"{source_name}.{table}"),
                    "partitioner": None,
                }
            },
        }
        files[f"validation_definitions/{name}.json"] = _json(
            {
                "data": {
                    "asset": {"id": _id("asset", f"{source_name}.{table}"), "name": table},
                    "batch_definition": {
                        "id": _id("batch_definition", f"{source_name}.{table}"),
                        "name": BATCH_DEFINITION,
                    },
                    "datasource": {"id": _id("datasource", source_name), "name": source_name},
                },
                "id": _id("validation_definition", name),
                "name": name,
                "suite": {"id": suite["id"], "name": suite["name"]},
            }
        )
        files[f"checkpoints/{name}.json"] = _json(
            {
                "actions": [{"name": "data_docs", "site_names": [], "type": "update_data_docs"}],
                "id": _id("checkpoint", name),
                "name": name,
                "result_format": RESULT_FORMAT,
                "validation_definitions": [
                    {"id": _id("validation_definition", name), "name": name}
                ],
            }
        )
    config = {
        "config_version": 4,
        "config_variables_file_path": "uncommitted/config_variables.yml",
        "plugins_directory": "plugins/",
        "stores": {
            "expectations_store": _store("ExpectationsStore", "expectations/"),
            "validation_results_store": _store(
                "ValidationResultsStore", "${GOVERNANCE_GX_RESULTS}/validations/"
            ),
            "checkpoint_store": _store("CheckpointStore", "checkpoints/", suppress=True),
            "validation_definition_store": _store(
                "ValidationDefinitionStore", "validation_definitions/"
            ),
        },
        "expectations_store_name": "expectations_store",
        "validation_results_store_name": "validation_results_store",
        "checkpoint_store_name": "checkpoint_store",
        "data_docs_sites": {
            "local_site": {
                "class_name": "SiteBuilder",
                "show_how_to_buttons": False,
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": "${GOVERNANCE_GX_RESULTS}/data_docs/",
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            }
        },
        "analytics_enabled": False,
        "data_context_id": _id("project", "anonymisation-gates"),
        "progress_bars": {"globally": False},
        "fluent_datasources": datasources,
    }
    files["great_expectations.yml"] = _HEADER + yaml.safe_dump(
        config, sort_keys=False, allow_unicode=True
    )
    files[".gitignore"] = "uncommitted/\n"
    return files


def _store(class_name: str, base: str, *, suppress: bool = False) -> dict[str, Any]:
    backend: dict[str, Any] = {"class_name": "TupleFilesystemStoreBackend", "base_directory": base}
    if suppress:
        backend["suppress_store_backend_id"] = True
    return {"class_name": class_name, "store_backend": backend}


def _json(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


_MANAGED = ("expectations", "validation_definitions", "checkpoints")


def differences(policy: Policy, root: Path | None = None) -> list[str]:
    """Files of the project that differ from what the policy generates (relative paths)."""
    root = root or project_root()
    wanted = render_project(policy)
    out = [path for path, text in wanted.items() if _read(root / path) != text]
    for folder in _MANAGED:
        for path in sorted((root / folder).glob("*.json")):
            relative = f"{folder}/{path.name}"
            if relative not in wanted:
                out.append(relative)
    return out


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def sync(policy: Policy, root: Path | None = None) -> list[str]:
    """Write the project from the policy; remove suites and checkpoints of rules that are gone.
    Returns the files changed."""
    root = root or project_root()
    changed = differences(policy, root)
    wanted = render_project(policy)
    for relative in changed:
        path = root / relative
        if relative in wanted:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(wanted[relative], encoding="utf-8")
        else:
            path.unlink()
    return changed


def ensure_current(policy: Policy, root: Path | None = None) -> None:
    """Refuse a project that is not what the policy generates: what runs is what was reviewed."""
    stale = differences(policy, root)
    if stale:
        raise ConfigurationError(
            "the Great Expectations project gx/ does not match the policy ("
            + ", ".join(stale[:5])
            + (" …" if len(stale) > 5 else "")
            + ")",
            field="gx",
            fix="run scripts/with-env python -m governance.anonymise.gx_project sync and review "
            "the diff",
        )


def file_context(variables: dict[str, str]):
    """The file-backed GX context of the project, with run-time variables (connection strings
    and the results folder) that are never written to its files."""
    import great_expectations as gx

    results = results_dir()
    results.mkdir(parents=True, exist_ok=True)
    return gx.get_context(
        mode="file",
        project_root_dir=str(project_root().parent),
        runtime_environment={"GOVERNANCE_GX_RESULTS": str(results), **variables},
    )


def main(argv: list[str] | None = None) -> int:
    from governance.policy import load_policy

    args = argv if argv is not None else sys.argv[1:]
    command = args[0] if args else "check"
    policy = load_policy()
    if command == "sync":
        for path in sync(policy):
            print(f"updated gx/{path}")
        return 0
    if command == "check":
        stale = differences(policy)
        for path in stale:
            print(
                f"gx/{path}: differs from the policy; run: python -m governance.anonymise.gx_project sync"
            )
        return 1 if stale else 0
    print("usage: python -m governance.anonymise.gx_project [sync|check]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
