"""The notice as code: the published privacy notice traced to the policy, generated from it,
and checked against it.

``model`` reads ``notice/traceability.yaml`` and ``notice/versions.yaml``; ``values`` lists the
policy's notice-facing values by key; ``check`` finds drift between a published notice and the
policy; ``render`` writes the notice from the policy (lv/en, md/html); ``quality`` is the DPO's
short report on what the notice's next version should add; ``traceability`` writes
TRACEABILITY.md; ``versions`` records a fingerprint per notice version; ``daily`` is the body of
the daily check (plain arguments in, a PII-free dict out).
"""
