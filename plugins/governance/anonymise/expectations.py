"""Custom Great Expectations (GX Core 1.x): k-anonymity and l-diversity over quasi-identifiers,
and no personal data in a text column, by the product's own recognisers.

Each has a table metric implemented for pandas and for SQLAlchemy. k and l are one GROUP BY
query in the database, never a load of the table. Personal data is looked for by the same
recogniser set the scrub uses (:mod:`governance.identity.recognisers`), so the gate checks for
everything the scrub removes: the column's distinct values are streamed out of the database in
batches (``GROUP BY`` with a count, read ``yield_per``), so memory stays bounded and a value
repeated in a million rows is read once; the names and addresses of the linked persons come
from the tables the expectation names (``people``: table and column names, never values).

Observed values are counts (the smallest class, the fewest distinct sensitive values, the
rows holding personal data) with the table's row count beside them; no value of the data ever
enters a result. Each expectation has a prescriptive renderer, so Data Docs read
"Every combination of … occurs in at least 5 rows" instead of a bare kwargs dump.
"""

from __future__ import annotations

import threading
import uuid
from typing import Any, ClassVar

from great_expectations.compatibility.sqlalchemy import sqlalchemy as sa
from great_expectations.core.metric_domain_types import MetricDomainTypes
from great_expectations.execution_engine import PandasExecutionEngine, SqlAlchemyExecutionEngine
from great_expectations.expectations.expectation import BatchExpectation
from great_expectations.expectations.metrics.metric_provider import metric_value
from great_expectations.expectations.metrics.table_metric_provider import TableMetricProvider
from great_expectations.render import LegacyRendererType, RenderedStringTemplateContent
from great_expectations.render.renderer.renderer import renderer
from great_expectations.render.renderer_configuration import (
    RendererConfiguration,
    RendererValueType,
)

from governance.anonymise.linked import read_people
from governance.identity.recognisers import People, recognise

ROW_COUNT = "table.row_count"
#: Distinct values read from the database per round trip by the personal-data metric.
STREAM_BATCH = 5000

_PEOPLE: dict[str, People] = {}
_PEOPLE_LOCK = threading.Lock()


def register_people(people: People, ref: str | None = None) -> str:
    """Make known persons available to a frame's gate by an opaque reference (frames have no
    database to read them from); the reference, never a name, goes into the expectation."""
    ref = ref or uuid.uuid4().hex
    with _PEOPLE_LOCK:
        _PEOPLE[ref] = people
    return ref


def release_people(ref: str) -> None:
    with _PEOPLE_LOCK:
        _PEOPLE.pop(ref, None)


_PEOPLE_READ: dict[tuple[int, str, str], tuple[float, People]] = {}
#: How long a read of the linked persons serves the next column of the same validation.
PEOPLE_FRESH_SECONDS = 10.0


def _people_of(execution_engine, connection, tables: list[dict]) -> People:
    """The linked persons, read once per validation rather than once per text column: the
    execution engine is the validation's own (a checkpoint run makes a new one), so another
    validation, even seconds later, reads them afresh."""
    import json
    import time

    key = (
        id(execution_engine),
        str(execution_engine.engine.url),
        json.dumps(tables, sort_keys=True),
    )
    with _PEOPLE_LOCK:
        cached = _PEOPLE_READ.get(key)
        if cached is not None and time.monotonic() - cached[0] < PEOPLE_FRESH_SECONDS:
            return cached[1]
    people = read_people(connection, tables)
    with _PEOPLE_LOCK:
        _PEOPLE_READ.clear()  # one entry: never a growing store of names
        _PEOPLE_READ[key] = (time.monotonic(), people)
    return people


def _holds_personal_data(value: Any, people: People | None) -> bool:
    return isinstance(value, str) and bool(value) and bool(recognise(value, people))


def _template(
    renderer_configuration: RendererConfiguration, template: str, params: dict[str, Any]
) -> RendererConfiguration:
    for name, param_type in params.items():
        renderer_configuration.add_param(name=name, param_type=param_type)
    renderer_configuration.template_str = template
    return renderer_configuration


def _prescriptive(template: str, configuration, runtime_configuration, names: tuple[str, ...]):
    kwargs = configuration.kwargs if configuration else {}
    params = {name: kwargs.get(name) for name in names}
    for name, value in params.items():
        if isinstance(value, list):
            params[name] = ", ".join(str(v) for v in value)
    styling = runtime_configuration.get("styling", {}) if runtime_configuration else {}
    return [
        RenderedStringTemplateContent(
            content_block_type="string_template",
            string_template={"template": template, "params": params, "styling": styling},
        )
    ]


def _sql_min_class(execution_engine, domain_kwargs, quasi_identifiers, sensitive=None):
    selectable, _, _ = execution_engine.get_compute_domain(
        domain_kwargs, domain_type=MetricDomainTypes.TABLE
    )
    source = selectable.subquery() if hasattr(selectable, "subquery") else selectable
    columns = [sa.column(q) for q in quasi_identifiers]
    measure = (
        sa.func.count(sa.distinct(sa.column(sensitive))) if sensitive else sa.func.count()
    ).label("measure")
    per_class = sa.select(measure).select_from(source).group_by(*columns).subquery()
    query = sa.select(sa.func.min(per_class.c.measure))
    return execution_engine.execute_query(query).scalar()


class TableKAnonymityMinClass(TableMetricProvider):
    metric_name = "table.k_anonymity.min_class_size"
    value_keys = ("quasi_identifiers",)

    @metric_value(engine=PandasExecutionEngine)
    def _pandas(
        cls,
        execution_engine,
        metric_domain_kwargs,
        metric_value_kwargs,
        metrics,
        runtime_configuration,
    ):
        df, _, _ = execution_engine.get_compute_domain(
            metric_domain_kwargs, domain_type=MetricDomainTypes.TABLE
        )
        if df.empty:
            return None
        return int(
            df.groupby(list(metric_value_kwargs["quasi_identifiers"]), dropna=False).size().min()
        )

    @metric_value(engine=SqlAlchemyExecutionEngine)
    def _sqlalchemy(
        cls,
        execution_engine,
        metric_domain_kwargs,
        metric_value_kwargs,
        metrics,
        runtime_configuration,
    ):
        return _sql_min_class(
            execution_engine, metric_domain_kwargs, metric_value_kwargs["quasi_identifiers"]
        )


class TableLDiversityMinDistinct(TableMetricProvider):
    metric_name = "table.l_diversity.min_distinct_sensitive"
    value_keys = ("quasi_identifiers", "sensitive")

    @metric_value(engine=PandasExecutionEngine)
    def _pandas(
        cls,
        execution_engine,
        metric_domain_kwargs,
        metric_value_kwargs,
        metrics,
        runtime_configuration,
    ):
        df, _, _ = execution_engine.get_compute_domain(
            metric_domain_kwargs, domain_type=MetricDomainTypes.TABLE
        )
        if df.empty:
            return None
        groups = df.groupby(list(metric_value_kwargs["quasi_identifiers"]), dropna=False)
        return int(groups[metric_value_kwargs["sensitive"]].nunique().min())

    @metric_value(engine=SqlAlchemyExecutionEngine)
    def _sqlalchemy(
        cls,
        execution_engine,
        metric_domain_kwargs,
        metric_value_kwargs,
        metrics,
        runtime_configuration,
    ):
        return _sql_min_class(
            execution_engine,
            metric_domain_kwargs,
            metric_value_kwargs["quasi_identifiers"],
            metric_value_kwargs["sensitive"],
        )


class ExpectTableKAnonymity(BatchExpectation):
    """Every combination of the quasi-identifiers occurs in at least ``k`` rows."""

    quasi_identifiers: list[str]
    k: int

    metric_dependencies: ClassVar[tuple[str, ...]] = (
        TableKAnonymityMinClass.metric_name,
        ROW_COUNT,
    )
    success_keys: ClassVar[tuple[str, ...]] = ("quasi_identifiers", "k")

    _TEXT: ClassVar[str] = "Every combination of $quasi_identifiers occurs in at least $k rows."

    @classmethod
    def _prescriptive_template(cls, renderer_configuration: RendererConfiguration):
        return _template(
            renderer_configuration,
            cls._TEXT,
            {"quasi_identifiers": RendererValueType.ARRAY, "k": RendererValueType.NUMBER},
        )

    @classmethod
    @renderer(renderer_type=LegacyRendererType.PRESCRIPTIVE)
    def _prescriptive_renderer(cls, configuration=None, result=None, runtime_configuration=None):
        return _prescriptive(
            cls._TEXT, configuration, runtime_configuration, ("quasi_identifiers", "k")
        )

    def _validate(
        self, metrics: dict, runtime_configuration=None, execution_engine=None
    ) -> dict[str, Any]:
        observed = metrics.get(TableKAnonymityMinClass.metric_name)
        return {
            "success": observed is None or observed >= self.k,
            "result": {"observed_value": observed, "element_count": metrics.get(ROW_COUNT)},
        }


class ExpectTableLDiversity(BatchExpectation):
    """Every class of the quasi-identifiers holds at least ``l`` distinct sensitive values."""

    quasi_identifiers: list[str]
    sensitive: str
    l: int  # noqa: E741

    metric_dependencies: ClassVar[tuple[str, ...]] = (
        TableLDiversityMinDistinct.metric_name,
        ROW_COUNT,
    )
    success_keys: ClassVar[tuple[str, ...]] = ("quasi_identifiers", "sensitive", "l")

    _TEXT: ClassVar[str] = (
        "Every combination of $quasi_identifiers holds at least $l distinct values of $sensitive."
    )

    @classmethod
    def _prescriptive_template(cls, renderer_configuration: RendererConfiguration):
        return _template(
            renderer_configuration,
            cls._TEXT,
            {
                "quasi_identifiers": RendererValueType.ARRAY,
                "l": RendererValueType.NUMBER,
                "sensitive": RendererValueType.STRING,
            },
        )

    @classmethod
    @renderer(renderer_type=LegacyRendererType.PRESCRIPTIVE)
    def _prescriptive_renderer(cls, configuration=None, result=None, runtime_configuration=None):
        return _prescriptive(
            cls._TEXT, configuration, runtime_configuration, ("quasi_identifiers", "l", "sensitive")
        )

    def _validate(
        self, metrics: dict, runtime_configuration=None, execution_engine=None
    ) -> dict[str, Any]:
        observed = metrics.get(TableLDiversityMinDistinct.metric_name)
        return {
            "success": observed is None or observed >= self.l,
            "result": {"observed_value": observed, "element_count": metrics.get(ROW_COUNT)},
        }


class TablePersonalDataRows(TableMetricProvider):
    """How many rows of ``column`` hold personal data, by the recogniser set (plus the known
    persons of ``people`` tables or of a registered ``people_ref``)."""

    metric_name = "table.personal_data.rows"
    value_keys = ("column", "people", "people_ref")

    @metric_value(engine=PandasExecutionEngine)
    def _pandas(
        cls,
        execution_engine,
        metric_domain_kwargs,
        metric_value_kwargs,
        metrics,
        runtime_configuration,
    ):
        df, _, _ = execution_engine.get_compute_domain(
            metric_domain_kwargs, domain_type=MetricDomainTypes.TABLE
        )
        people = _PEOPLE.get(metric_value_kwargs.get("people_ref") or "")
        counts = df[metric_value_kwargs["column"]].value_counts(dropna=True)
        return int(
            sum(int(n) for value, n in counts.items() if _holds_personal_data(value, people))
        )

    @metric_value(engine=SqlAlchemyExecutionEngine)
    def _sqlalchemy(
        cls,
        execution_engine,
        metric_domain_kwargs,
        metric_value_kwargs,
        metrics,
        runtime_configuration,
    ):
        selectable, _, _ = execution_engine.get_compute_domain(
            metric_domain_kwargs, domain_type=MetricDomainTypes.TABLE
        )
        source = selectable.subquery() if hasattr(selectable, "subquery") else selectable
        column = sa.column(metric_value_kwargs["column"])
        query = (
            sa.select(column, sa.func.count().label("n"))
            .select_from(source)
            .where(column.is_not(None))
            .group_by(column)
        )
        found = 0
        with execution_engine.engine.connect() as connection:
            people = _people_of(
                execution_engine, connection, metric_value_kwargs.get("people") or []
            )
            result = connection.execution_options(yield_per=STREAM_BATCH).execute(query)
            for value, n in result:
                if _holds_personal_data(value, people or None):
                    found += int(n)
        return found


class ExpectColumnValuesToHoldNoPersonalData(BatchExpectation):
    """No value of ``column`` holds personal data: a personas kods (also mistyped), phone,
    e-mail, IBAN, address or postcode, vehicle plate or name, nor the name or address of a
    person in the ``people`` tables (the persons the anonymised records linked to)."""

    column: str
    people: list[dict] = []
    people_ref: str | None = None

    metric_dependencies: ClassVar[tuple[str, ...]] = (TablePersonalDataRows.metric_name, ROW_COUNT)
    success_keys: ClassVar[tuple[str, ...]] = ("column", "people", "people_ref")

    _TEXT: ClassVar[str] = (
        "No value of $column holds personal data (personas kods, phone, e-mail, IBAN, address, "
        "vehicle plate or a name; names and addresses of the persons in $people)."
    )

    @classmethod
    def _prescriptive_template(cls, renderer_configuration: RendererConfiguration):
        return _template(
            renderer_configuration,
            cls._TEXT,
            {"column": RendererValueType.STRING, "people": RendererValueType.STRING},
        )

    @classmethod
    @renderer(renderer_type=LegacyRendererType.PRESCRIPTIVE)
    def _prescriptive_renderer(cls, configuration=None, result=None, runtime_configuration=None):
        kwargs = dict(configuration.kwargs) if configuration else {}
        tables = [
            f"{p['table']}({', '.join([*p.get('names', []), *p.get('addresses', [])])})"
            for p in kwargs.get("people") or []
        ]
        params = {"column": kwargs.get("column"), "people": "; ".join(tables) or "no linked table"}
        styling = runtime_configuration.get("styling", {}) if runtime_configuration else {}
        return [
            RenderedStringTemplateContent(
                content_block_type="string_template",
                string_template={"template": cls._TEXT, "params": params, "styling": styling},
            )
        ]

    def _validate(
        self, metrics: dict, runtime_configuration=None, execution_engine=None
    ) -> dict[str, Any]:
        found = metrics.get(TablePersonalDataRows.metric_name) or 0
        rows = metrics.get(ROW_COUNT)
        return {
            "success": found == 0,
            "result": {
                "observed_value": found,
                "element_count": rows,
                "unexpected_count": found,
                "unexpected_percent": (100.0 * found / rows) if rows else 0.0,
            },
        }
