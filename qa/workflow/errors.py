"""Domain errors of the workflow services, turned into a CLI error or ``st.error`` at the edge."""

from __future__ import annotations


class WorkflowError(Exception):
    """Base class: a request the service refuses, with a message for the user."""


class PermissionDenied(WorkflowError):
    """The acting user's role or scope does not allow this (the message says which right is missing)."""


class NotFound(WorkflowError):
    """The object does not exist (or, for lists, is outside what the user may see)."""


class ConflictError(WorkflowError):
    """Someone else changed the object since it was read (optimistic locking); reload and retry."""


class InvalidRequest(WorkflowError):
    """The request is well-formed but not allowed by the workflow (wrong state, window closed...)."""


class AuthenticationError(WorkflowError):
    """Unknown user, wrong password or disabled account (never says which)."""
