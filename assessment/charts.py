"""Line charts of scores (0–100), drawn in the browser by the platform's one chart library
(Apache ECharts, static/gridgov/charts.js). `line_chart` shapes series of (label, value) into
the data the template `assessment/_chart.html` puts in a data- attribute: no inline script."""

import json
from dataclasses import dataclass


@dataclass
class Chart:
    labels: list[str]
    series: list[dict]  # {"name", "data": [score or None, ...]}: None leaves a gap in the line

    @property
    def empty(self) -> bool:
        return not any(v is not None for s in self.series for v in s["data"])

    @property
    def names(self) -> list[str]:
        return [s["name"] for s in self.series]

    def as_json(self) -> str:
        return json.dumps({"labels": self.labels, "series": self.series, "min": 0, "max": 100}, ensure_ascii=False)


def line_chart(series: dict[str, list[tuple[str, float | None]]]) -> Chart:
    """Series that share their labels (periods, oldest first); a value of None leaves a gap."""
    labels = [label for label, _v in next(iter(series.values()), [])]
    return Chart(
        labels=labels,
        series=[
            {"name": str(name), "data": [None if v is None else round(float(v), 2) for _label, v in points]}
            for name, points in series.items()
        ],
    )
