from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

# How a change that no person made (derived progress, imports, schedules) names its actor.
SYSTEM_ACTOR = "System"


def person_name(user: "User | None") -> str:
    """The one way the portal names a person on pages, in PDFs and in exports: the full name,
    else the username; "System" when no person is behind the record (an audit event written
    by a job, a report requested by the schedule)."""
    if user is None:
        return SYSTEM_ACTOR
    return user.get_full_name() or user.username


class User(AbstractUser):
    """A portal user. The role decides what they may see and do; an agency CISO belongs to
    exactly one agency and sees nothing else (DESIGN: roles)."""

    class Role(models.TextChoices):
        AGENCY_CISO = "agency_ciso", "Agency CISO"
        OVERSIGHT = "oversight", "Oversight staff"
        LEADERSHIP = "leadership", "Leadership"

    # Leadership is read-only everywhere, so it is the safe default for operator accounts
    # made with createsuperuser.
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.LEADERSHIP)
    agency = models.ForeignKey(
        "agencies.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="user_agency_iff_ciso",
                condition=(Q(role="agency_ciso") & Q(agency__isnull=False))
                | (~Q(role="agency_ciso") & Q(agency__isnull=True)),
            ),
            models.CheckConstraint(
                name="user_role_valid",
                condition=Q(role__in=["agency_ciso", "oversight", "leadership"]),
            ),
        ]

    @property
    def is_ciso(self) -> bool:
        return self.role == self.Role.AGENCY_CISO

    @property
    def is_oversight(self) -> bool:
        return self.role == self.Role.OVERSIGHT

    @property
    def is_leadership(self) -> bool:
        return self.role == self.Role.LEADERSHIP

    @property
    def sees_all_agencies(self) -> bool:
        return self.role in (self.Role.OVERSIGHT, self.Role.LEADERSHIP)
