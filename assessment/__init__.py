"""Assessment (考核), docs/domain.md §6: monthly and quarterly scores of handling units and
grid staff from the appeals and the visits, with editable weights, period snapshots, the
scoring task and command, the pages, the API and the exports (docs/assessment.md)."""
