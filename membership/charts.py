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


# Room around the plot for the axes' labels, in SVG units.
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 44, 12, 10, 24


def date_ticks(dates, most=6):
    """Indexes of the dates labelled on the x axis: the first, the last, and evenly spaced
    ones between (a week apart or more), never more than `most`."""
    last = len(dates) - 1
    if last <= 0:
        return [0]
    step = max(7, -(-last // (most - 1)))
    ticks = list(range(0, last, step))
    if last - ticks[-1] < step / 2 and len(ticks) > 1:
        ticks.pop()  # too close to the last date for both labels to fit
    return [*ticks, last]


def value_ticks(peak):
    """The values labelled on the y axis: 0, the peak, and its half when that is whole."""
    ticks = [0, peak]
    if peak % 2 == 0 and peak > 2:
        ticks.insert(1, peak // 2)
    return ticks


def daily_chart(dates, series, width=720, height=180):
    """SVG data for `series` (a list of Series) over `dates` (consecutive days): the lines,
    and the axes' ticks (dates along the bottom, counts up the side)."""
    values = [(line, line.values(dates)) for line in series]
    peak = max([1] + [value for _, points in values for value in points])
    step = width / max(len(dates) - 1, 1)

    def x(index):
        return MARGIN_LEFT + index * step

    def y(number):
        return MARGIN_TOP + height - number / peak * height

    def points(numbers):
        return " ".join(f"{x(i):.1f},{y(number):.1f}" for i, number in enumerate(numbers))

    return {
        "width": MARGIN_LEFT + width + MARGIN_RIGHT,
        "height": MARGIN_TOP + height + MARGIN_BOTTOM,
        "plot": {
            "left": MARGIN_LEFT,
            "right": MARGIN_LEFT + width,
            "top": MARGIN_TOP,
            "bottom": MARGIN_TOP + height,
        },
        "peak": peak,
        "start": dates[0],
        "end": dates[-1],
        "x_ticks": [{"x": f"{x(index):.1f}", "date": dates[index]} for index in date_ticks(dates)],
        "y_ticks": [{"y": f"{y(value):.1f}", "value": value} for value in value_ticks(peak)],
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
