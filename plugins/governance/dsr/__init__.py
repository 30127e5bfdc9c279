"""Data-subject requests (GDPR Art. 15-22): register, locate, plan, carry out, answer.

Identifiers enter once (``register``), are stored encrypted, and from then on the engine passes
request ids and keyed ``subject_ref``s only; personal data travels from a source into a package
or an erasure, never into a log, XCom, the ledger or an exception message.
"""
