"""QA workflow services: access control, users, audit log, reviews, disputes, calibration, coaching, cases, export, retention.

Every service function takes an open session and the acting :class:`~qa.workflow.access.Principal`
and enforces the principal's role and scope; see ``docs/workflow.md``.
"""
