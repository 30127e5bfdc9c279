"""Custom Great Expectations (GX Core 1.x): k-anonymity and l-diversity over quasi-identifiers.

Each has a table metric implemented for pandas and for SQLAlchemy; on SQL the metric is one
GROUP BY query in the database, never a load of the table. The observed value is the smallest
class size (k) or the fewest distinct sensitive values in a class (l); no value of the data
ever enters a result.
"""

from __future__ import annotations

from typing import Any, ClassVar

from great_expectations.compatibility.sqlalchemy import sqlalchemy as sa
from great_expectations.core.metric_domain_types import MetricDomainTypes
from great_expectations.execution_engine import PandasExecutionEngine, SqlAlchemyExecutionEngine
from great_expectations.expectations.expectation import BatchExpectation
from great_expectations.expectations.metrics.metric_provider import metric_value
from great_expectations.expectations.metrics.table_metric_provider import TableMetricProvider


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

    metric_dependencies: ClassVar[tuple[str, ...]] = (TableKAnonymityMinClass.metric_name,)
    success_keys: ClassVar[tuple[str, ...]] = ("quasi_identifiers", "k")

    def _validate(
        self, metrics: dict, runtime_configuration=None, execution_engine=None
    ) -> dict[str, Any]:
        observed = metrics.get(TableKAnonymityMinClass.metric_name)
        return {
            "success": observed is None or observed >= self.k,
            "result": {"observed_value": observed},
        }


class ExpectTableLDiversity(BatchExpectation):
    """Every class of the quasi-identifiers holds at least ``l`` distinct sensitive values."""

    quasi_identifiers: list[str]
    sensitive: str
    l: int  # noqa: E741

    metric_dependencies: ClassVar[tuple[str, ...]] = (TableLDiversityMinDistinct.metric_name,)
    success_keys: ClassVar[tuple[str, ...]] = ("quasi_identifiers", "sensitive", "l")

    def _validate(
        self, metrics: dict, runtime_configuration=None, execution_engine=None
    ) -> dict[str, Any]:
        observed = metrics.get(TableLDiversityMinDistinct.metric_name)
        return {
            "success": observed is None or observed >= self.l,
            "result": {"observed_value": observed},
        }
