"""Assessment (考核), docs/domain.md §6 — a first part only: the unit indicators and the
default score, computed from the appeals (no models yet: weights, snapshots, the task, the
command and the pages are still to come; see docs/visits.md, "Assessment: what exists")."""
