from contextlib import contextmanager

import pytest
from django.db import IntegrityError, transaction


@contextmanager
def violates(constraint: str):
    """Assert the block fails on the named database constraint (not on some other error)."""
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        yield
    assert constraint in str(excinfo.value), f"expected {constraint}, got: {excinfo.value}"
