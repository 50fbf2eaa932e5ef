"""Line charts of scores (0–100) as server-rendered inline SVG: no script, no CDN, readable on
a phone and in a printed page. `line_chart` turns series of (label, value) into coordinates; the
template `assessment/_chart.html` draws them."""

from dataclasses import dataclass, field

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 36, 12, 10, 28
COLOURS = ("#b3261e", "#1565c0", "#2e7d32", "#6a1b9a", "#ef6c00", "#00838f")


@dataclass
class Line:
    name: str
    colour: str
    segments: list[str] = field(default_factory=list)  # polyline "x,y x,y" runs, split at gaps
    dots: list[tuple[float, float, str, float]] = field(default_factory=list)  # x, y, label, value


@dataclass
class Chart:
    width: int
    height: int
    left: int
    bottom: float
    right: float
    lines: list[Line]
    ticks: list[tuple[float, int]]  # y, value
    labels: list[tuple[float, str, str]]  # x, period label, text-anchor

    @property
    def empty(self) -> bool:
        return not any(line.dots for line in self.lines)


def _x(i: int, n: int) -> float:
    span = WIDTH - LEFT - RIGHT
    return round(LEFT + (span * i / (n - 1) if n > 1 else span / 2), 1)


def _y(value: float) -> float:
    value = min(100.0, max(0.0, value))
    return round(TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / 100), 1)


def line_chart(series: dict[str, list[tuple[str, float | None]]]) -> Chart:
    """Series that share their labels (periods, oldest first); a value of None leaves a gap."""
    labels = next(iter(series.values()), [])
    n = len(labels)
    lines = []
    for i, (name, points) in enumerate(series.items()):
        line = Line(str(name), COLOURS[i % len(COLOURS)])
        run: list[str] = []
        for j, (label, value) in enumerate(points):
            if value is None:
                if run:
                    line.segments.append(" ".join(run))
                run = []
                continue
            x, y = _x(j, n), _y(value)
            run.append(f"{x},{y}")
            line.dots.append((x, y, label, round(value, 2)))
        if run:
            line.segments.append(" ".join(run))
        lines.append(line)
    # Every label on a short axis; on a long one every other, so they do not overlap.
    step = 1 if n <= 6 else 2
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        bottom=HEIGHT - BOTTOM,
        right=WIDTH - RIGHT,
        lines=lines,
        ticks=[(_y(v), v) for v in (0, 25, 50, 75, 100)],
        # The end labels lean inwards so that they stay inside the drawing.
        labels=[
            (_x(j, n), label, "end" if j == n - 1 and n > 1 else "start" if j == 0 and n > 1 else "middle")
            for j, (label, _v) in enumerate(labels)
            if (n - 1 - j) % step == 0
        ],
    )
