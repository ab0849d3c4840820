"""Small daily line charts for the admin, drawn as SVG without JavaScript.

`daily_chart()` gives what `membership/includes/daily_chart.html` draws: one polyline per
series over the same days, on one scale.
"""

import datetime
from dataclasses import dataclass, field


@dataclass
class Series:
    """One line of a chart: a number per day (days not in `by_day` count 0).

    With `running_from` set, each point is a running total that starts from that value (the
    count before the first day), and the line's total is its last point; otherwise each point
    is the day's own number, and the total is their sum.
    """

    name: str
    css: str
    by_day: dict = field(default_factory=dict)
    running_from: int | None = None

    def values(self, dates):
        if self.running_from is None:
            return [self.by_day.get(day) or 0 for day in dates]
        running, values = self.running_from, []
        for day in dates:
            running += self.by_day.get(day) or 0
            values.append(running)
        return values


def days_ending(end, days):
    """The `days` dates up to and including `end`."""
    start = end - datetime.timedelta(days=days - 1)
    return [start + datetime.timedelta(days=i) for i in range(days)]


def daily_chart(dates, series, width=720, height=180):
    """SVG data for `series` (a list of Series) over `dates` (consecutive days)."""
    values = [(line, line.values(dates)) for line in series]
    peak = max([1] + [value for _, points in values for value in points])
    step = width / max(len(dates) - 1, 1)

    def points(numbers):
        return " ".join(
            f"{i * step:.1f},{height - number / peak * height:.1f}"
            for i, number in enumerate(numbers)
        )

    return {
        "width": width,
        "height": height,
        "peak": peak,
        "start": dates[0],
        "end": dates[-1],
        "lines": [
            {
                "name": line.name,
                "css": line.css,
                "points": points(numbers),
                "total": numbers[-1] if line.running_from is not None else sum(numbers),
            }
            for line, numbers in values
        ],
    }
