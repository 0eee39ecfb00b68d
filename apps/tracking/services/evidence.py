"""Writes of evidence: uploaded files (checked by content in apps.tracking.evidence) and
links, each audited in the same transaction."""

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record, snapshot
from apps.tracking import permissions
from apps.tracking.evidence import evidence_file_check, evidence_url_check
from apps.tracking.models import AgencyTask, Evidence

EVIDENCE_AUDIT_FIELDS = (
    "kind",
    "original_name",
    "content_type",
    "size",
    "sha256",
    "url",
    "description",
)


def _evidence_created(*, evidence: Evidence, actor: User) -> Evidence:
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPLOAD,
        instance=evidence,
        agency_id=evidence.agency_task.agency_id,
        changes={
            field: [None, value]
            for field, value in snapshot(evidence, EVIDENCE_AUDIT_FIELDS).items()
            if value not in ("", None)
        },
        comment=f"Evidence for task {evidence.agency_task.task.code}",
    )
    return evidence


@transaction.atomic
def evidence_file_add(
    *, agency_task: AgencyTask, actor: User, upload: UploadedFile, description: str = ""
) -> Evidence:
    """Attach an uploaded file: checked by content (type and size), its SHA-256 stored,
    saved under a random name (the original name is kept only in a column)."""
    permissions.evidence_add_check(user=actor, agency_task=agency_task)
    checked = evidence_file_check(upload)
    evidence = Evidence(
        agency_task=agency_task,
        kind=Evidence.Kind.FILE,
        original_name=checked.original_name,
        content_type=checked.kind.content_type,
        size=checked.size,
        sha256=checked.sha256,
        description=(description or "").strip()[:255],
        uploaded_by=actor,
    )
    # The file is written before the row; if the transaction rolls back the orphan file is
    # harmless (random name, never referenced, never served).
    evidence.file.save(checked.original_name, upload, save=False)
    evidence.save()
    return _evidence_created(evidence=evidence, actor=actor)


@transaction.atomic
def evidence_link_add(
    *, agency_task: AgencyTask, actor: User, url: str, description: str = ""
) -> Evidence:
    """Attach a link (http/https only) to a record kept elsewhere."""
    permissions.evidence_add_check(user=actor, agency_task=agency_task)
    evidence = Evidence.objects.create(
        agency_task=agency_task,
        kind=Evidence.Kind.LINK,
        url=evidence_url_check(url),
        description=(description or "").strip()[:255],
        uploaded_by=actor,
    )
    return _evidence_created(evidence=evidence, actor=actor)
