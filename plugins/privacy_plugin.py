"""Registers the Privacy page with Airflow: the FastAPI app at ``/privacy`` and a "Privacy"
entry in the UI's navigation that shows it in a frame (same origin, so the UI's login applies).
The app itself is ``governance.ui.app``; this file only tells Airflow where it is."""

from __future__ import annotations

from airflow.plugins_manager import AirflowPlugin

from governance.ui.app import app as privacy_app


class PrivacyPlugin(AirflowPlugin):
    name = "privacy"
    fastapi_apps = [{"app": privacy_app, "url_prefix": "/privacy", "name": "Privacy"}]
    external_views = [
        {
            "name": "Privacy",
            "href": "privacy/requests",
            "url_route": "privacy",
            "destination": "nav",
            "category": None,
        }
    ]
