"""Calendar facets (`day`, `month`, `year`) that keep the date as the outlet wrote it.

Datasette's own `date` facet uses SQLite's date(), which turns
2024-02-20T08:00:00+09:00 into the UTC date 2024-02-19: every Korean article
published before 9 a.m. would count on the previous day. These facets group
by the first characters of the ISO 8601 text instead (the date in the
article's own +09:00 time, and a bare date as it is), newest first, and
select with `column__startswith=`, so date-only and timed values of one day
fall together.
"""
from __future__ import annotations

from datasette.facets import Facet
from datasette.database import QueryInterrupted
from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args


class CalendarFacet(Facet):
    type = ""
    prefix_length = 0

    async def suggest(self):
        return []

    async def facet_results(self):
        results, timed_out = [], []
        selected_values = dict(self.get_querystring_pairs())
        facet_size = self.get_facet_size()
        for source_and_config in self.get_configs():
            config = source_and_config["config"]
            column = config.get("column") or config["simple"]
            try:
                rows = await self._counts(column, facet_size)
            except QueryInterrupted:
                timed_out.append(column)
                continue
            results.append({
                "name": column,
                "type": self.type,
                "results": [self._value(column, row, selected_values) for row in rows[:facet_size]],
                "hideable": source_and_config["source"] != "metadata",
                "toggle_url": path_with_removed_args(self.request, {f"_facet_{self.type}": column}),
                "truncated": len(rows) > facet_size,
            })
        return results, timed_out

    async def _counts(self, column: str, facet_size: int):
        value = f"substr({escape_sqlite(column)}, 1, {self.prefix_length})"
        sql = (f"select {value} as value, count(*) as count from ({self.sql}) "
               f"where length({escape_sqlite(column)}) >= {self.prefix_length} "
               f"group by value order by value desc limit {facet_size + 1}")
        results = await self.ds.execute(self.database, sql, self.params, truncate=False,
                                        custom_time_limit=self.ds.setting("facet_time_limit_ms"))
        return results.rows

    def _value(self, column: str, row, selected_values: dict) -> dict:
        argument = f"{column}__startswith"
        selected = selected_values.get(argument) == row["value"]
        if selected:
            toggle_path = path_with_removed_args(self.request, {argument: row["value"]})
        else:
            toggle_path = path_with_added_args(self.request, {argument: row["value"]})
        return {
            "value": row["value"],
            "label": row["value"],
            "count": row["count"],
            "toggle_url": self.ds.absolute_url(self.request, toggle_path),
            "selected": selected,
        }


class DayFacet(CalendarFacet):
    type = "day"
    prefix_length = len("2024-02-20")


class MonthFacet(CalendarFacet):
    type = "month"
    prefix_length = len("2024-02")


class YearFacet(CalendarFacet):
    type = "year"
    prefix_length = len("2024")


CALENDAR_FACETS = [DayFacet, MonthFacet, YearFacet]
