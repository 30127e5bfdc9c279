"""The Privacy page's routes, one module per job, each an ``APIRouter`` that ``ui/app.py``
includes: ``requests`` (the list, downloads, run, extend, passphrase), ``intake`` (a new
request), ``holds`` (legal holds) and ``audit`` (the report and the Art. 30 record)."""
