import pytest
from django.db import DatabaseError, connection, transaction

from apps.audit.models import AuditEvent
from tests.accounts.factories import OversightFactory

pytestmark = pytest.mark.django_db


def _event() -> AuditEvent:
    return AuditEvent.objects.create(
        actor=OversightFactory(),
        action=AuditEvent.Action.VERIFY,
        object_type="agencytask",
        object_id="1",
        changes={"status": ["completed", "verified"]},
    )


def test_the_app_cannot_change_or_delete_an_audit_row():
    event = _event()
    event.comment = "rewrite history"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(comment="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).comment == ""


def test_the_database_refuses_update_and_delete_of_audit_rows():
    event = _event()
    for sql in (
        "UPDATE audit_auditevent SET comment = 'x' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk, comment="").exists()
