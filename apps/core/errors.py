"""Domain errors. Services raise these; views, forms and the API turn them into clear answers."""


class DomainError(Exception):
    """A rule of the product refused the request; the message says what is allowed."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidTransition(DomainError):
    """A status change the state machine does not allow for this role."""


class StaleVersion(DomainError):
    """Someone saved the record after it was read: the save is refused (optimistic locking)."""

    def __init__(self, message: str, *, current_version: int):
        super().__init__(message)
        self.current_version = current_version


class ImportRejected(DomainError):
    """A feed file failed validation; nothing was changed."""
