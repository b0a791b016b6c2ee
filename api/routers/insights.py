"""Insights: how the two are doing over a range, chart by chart.

Each chart comes as the data table the page offers screen readers, from
insights.queries after dynamics.access.require (the act the page asks).
"""

from ninja import Query, Router
from pydantic import BaseModel, Field

from api.routers.common import id_param, now, only_known_query, person, responses
from api.schemas.insights import InsightsOut, Range
from dynamics.access import Act, require
from insights import queries

router = Router(tags=["insights"])
DynamicId = id_param("The dynamic's id.")


class RangeQuery(BaseModel):
    range: Range = Field("3m", description="4 weeks, 3 months, a year or all.")


@router.get("/dynamics/{dynamic_id}/insights", response=responses({200: InsightsOut}))
def read_insights(request, query: Query[RangeQuery], dynamic_id: int = DynamicId):
    """On time, streaks, check-ins, incidents and decisions over the range,
    in each partner's own words (discreet mode respected)."""
    only_known_query(request, RangeQuery)
    user = person(request)
    me = require(user, dynamic_id, Act.VIEW)
    insights = queries.overview(
        me, query.range, now(), discreet=bool(getattr(user, "discreet", False))
    )
    charts = [
        insights.on_time,
        insights.streaks,
        *insights.checkins,
        insights.incidents,
        insights.decisions,
    ]
    return {
        "range": insights.window.key,
        "start": insights.window.start,
        "end": insights.window.end,
        "grain": insights.window.grain,
        "charts": [
            {
                "slug": c.slug,
                "title": str(c.title),
                "summary": str(c.summary),
                "columns": [str(h) for h in c.table_head],
                "rows": [{"label": str(r.label), "cells": r.cells} for r in c.table],
                "empty": c.empty,
            }
            for c in charts
        ],
        "signals": str(insights.signals_summary),
        "pauses": str(insights.pauses_summary),
    }
