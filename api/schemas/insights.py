"""Insights: the charts as their data tables, the same figures the page draws."""

from datetime import date
from typing import Literal

from ninja import Schema
from pydantic import Field

Range = Literal["4w", "3m", "1y", "all"]


class ChartRowOut(Schema):
    label: str = Field(description="The series: a person, or a kind of thing.")
    cells: list[str] = Field(description="One figure per column; – for none.")


class ChartOut(Schema):
    slug: str
    title: str
    summary: str = Field(description="The chart in one sentence.")
    columns: list[str] = Field(description="The periods, oldest first.")
    rows: list[ChartRowOut]
    empty: bool = Field(description="Nothing to show in this range yet.")


class InsightsOut(Schema):
    range: Range
    start: date
    end: date = Field(description="The day after the last one shown.")
    grain: Literal["day", "week", "month"] = Field(
        description="A column per this in the on-time, streak and incident charts; "
        "check-ins go one finer (days over 4 weeks), decisions by month."
    )
    charts: list[ChartOut]
    signals: str = Field(description="The signals of the range, in words.")
    pauses: str = Field(description="The pauses of the range, in words.")
