"""States of the milestone heat map (agencies x milestones), rendered as an HTML table.

Each state has a text label, a CSS class (colours in ``static/css/charts.css``, AA contrast
on their own backgrounds) and an icon whose shape differs per state, so a cell never relies
on colour alone. Render the icon ``aria-hidden="true"`` next to the label (or the label in
``visually-hidden`` when cells are compact):

    <td class="heat-cell {{ state.css_class }}">
      <span class="heat-icon" aria-hidden="true">{{ state.icon }}</span> {{ state.label }}
    </td>
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True, slots=True)
class MilestoneState:
    key: str
    label: str
    css_class: str
    icon: str


# In legend order. The icons are in DejaVu Sans (the PDF's font) and in common system fonts,
# and none has an emoji presentation.
MILESTONE_STATES: MappingProxyType[str, MilestoneState] = MappingProxyType(
    {
        state.key: state
        for state in (
            MilestoneState("met", "Met", "heat-met", "\u2713"),  # check mark
            MilestoneState("met_late", "Met late", "heat-met-late", "\u25d4"),  # clock-like circle
            MilestoneState("at_risk", "At risk", "heat-at-risk", "\u25b2"),  # warning triangle
            MilestoneState("overdue", "Overdue", "heat-overdue", "\u2715"),  # cross
            MilestoneState("pending", "Pending", "heat-pending", "\u25cb"),  # empty circle
        )
    }
)
