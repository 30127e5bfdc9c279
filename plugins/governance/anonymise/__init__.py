"""Anonymisation: techniques from the policy's spec, and the Great Expectations gates that
prove the result cannot single a person out (k-anonymity, l-diversity, no identifier left)."""
