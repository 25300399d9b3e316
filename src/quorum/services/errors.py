"""Errors a use case raises; each face maps them onto its own wire (status code and body)."""

from __future__ import annotations

from quorum.tasktypes.base import FieldError


class ServiceError(Exception):
    status = 400

    def __init__(self, message: str, *, errors: list[FieldError] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or []


class InvalidRequest(ServiceError):
    status = 400


class Unauthorized(ServiceError):
    status = 401


class Forbidden(ServiceError):
    status = 403


class NotFound(ServiceError):
    status = 404


class Conflict(ServiceError):
    status = 409
