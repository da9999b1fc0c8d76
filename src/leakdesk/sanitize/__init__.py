"""Sanitize: turn audit findings into a clean output, then prove it clean.

The format-independent core, in pipeline order:

- :mod:`.policy` and ``default_policy.yaml``: what to do with each finding;
- :mod:`.engine`: findings + policy -> :class:`~.plan.CleanPlan` (edits, container
  actions, and the strings that must not survive);
- :mod:`.plan`: the plan the format adapters apply (``formats/*.py``, ``clean``);
- :mod:`.proof`: the residue proof on the written output;
- :mod:`.redaction_log`: the opt-in log of every change (sensitive);
- :mod:`.chars`: invisible characters and homoglyphs, shared by engine and proof.

The flow that ties them together is :func:`leakdesk.api.sanitize`.
"""

from __future__ import annotations
