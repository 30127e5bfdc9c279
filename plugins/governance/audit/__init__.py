"""Audit: the hash-chained ledger (``ledger``) and PII-free decision log lines (``logline``).

Both exist so that an auditor can see what the engine decided and why without the record of it
becoming a second copy of the personal data.
"""
