# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The results document: metrics with goals, figures, the Markdown table, comparisons.

The JSON layout (``schema`` 1), kept stable so results of two versions can be compared::

    {"schema": 1, "meta": {...}, "notes": [...],
     "figures": [{"id", "title", "setup", "metrics": [metric...], "columns": [...], "rows": [[...]],
                  "notes": [...]}]}

    metric = {"key", "label", "value", "unit", "goal" (text or null), "met" (true/false/null)}
"""

from __future__ import annotations

import json
from typing import Any, Iterable

SCHEMA = 1


def metric(key: str, label: str, value: Any, unit: str = "", goal: str | None = None,
           met: bool | None = None) -> dict:
    """One reported number. ``met`` is ``None`` when the number has no goal (or could not be measured)."""
    return {"key": key, "label": label, "value": value, "unit": unit, "goal": goal,
            "met": None if met is None else bool(met)}


def at_most(value: float | None, limit: float) -> bool | None:
    """Goal check ``value <= limit`` (``None`` when there is no value)."""
    return None if value is None else value <= limit


def figure(fid: str, title: str, setup: str, metrics: list, columns: list, rows: list,
           notes: Iterable[str] = ()) -> dict:
    for row in rows:
        if len(row) != len(columns):
            raise ValueError(f"{fid}: row {row!r} has {len(row)} cells for {len(columns)} columns")
    return {"id": fid, "title": title, "setup": setup, "metrics": metrics, "columns": columns,
            "rows": rows, "notes": list(notes)}


def document(meta: dict, figures: list, notes: Iterable[str] = ()) -> dict:
    return {"schema": SCHEMA, "meta": meta, "notes": list(notes), "figures": figures}


def goals(doc: dict) -> tuple:
    """(met, missed, without a goal) counts over every metric of the document."""
    met = missed = none = 0
    for fig in doc["figures"]:
        for item in fig["metrics"]:
            if item["met"] is None:
                none += 1
            elif item["met"]:
                met += 1
            else:
                missed += 1
    return met, missed, none


# -- formatting ---------------------------------------------------------------------------------
def fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        text = f"{value:.3f}".rstrip("0").rstrip(".") if abs(value) < 10 else f"{value:.1f}"
    else:
        text = str(value)
    if unit in ("", "-"):
        return text
    if value == 1 and unit in ("requests", "polls"):
        unit = unit[:-1]
    if unit == "×":
        return f"{text}×"
    return f"{text} {unit}"


def verdict(met: bool | None) -> str:
    return "–" if met is None else ("met" if met else "**missed**")


def _cell(value: Any) -> str:
    return fmt(value).replace("|", "\\|").replace("\n", " ")


def _table(columns: list, rows: list) -> list:
    lines = ["| " + " | ".join(columns) + " |", "|" + "|".join("---" for dummy in columns) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def render_markdown(doc: dict) -> str:
    meta = doc["meta"]
    met, missed, none = goals(doc)
    out = ["# cloud_dr.sdrs benchmark results", "",
           f"Collection {meta.get('version')} at commit {meta.get('commit')}"
           + (" (with uncommitted changes)" if meta.get("dirty") else "")
           + f", measured {meta.get('date')} on {meta.get('machine')}; "
           f"`make bench` took {fmt(meta.get('duration_seconds'), 's')}.", "",
           f"Goals: {met} met, {missed} missed ({none} figures without a goal).", ""]
    out += [f"> {note}" for note in doc.get("notes", [])]
    out += ["", "## Summary", ""] + render_summary(doc).splitlines()
    for fig in doc["figures"]:
        out += ["", f"## {fig['title']}", "", fig["setup"], ""]
        out += _table(fig["columns"], fig["rows"])
        if fig["notes"]:
            out += [""] + [f"- {note}" for note in fig["notes"]]
    return "\n".join(out) + "\n"


def render_summary(doc: dict, goals_only: bool = False) -> str:
    """The summary table: every metric (or only those with a goal) with its value and verdict."""
    rows = [[fig["title"], m["label"], fmt(m["value"], m["unit"]), m["goal"] or "–", verdict(m["met"])]
            for fig in doc["figures"] for m in fig["metrics"] if m["goal"] or not goals_only]
    return "\n".join(_table(["Figure", "Metric", "Value", "Goal", "Verdict"], rows)) + "\n"


def compare(old: dict, new: dict) -> str:
    """A Markdown table of every metric present in either document, old against new."""
    def index(doc: dict) -> dict:
        return {(fig["id"], m["key"]): (fig["title"], m) for fig in doc["figures"] for m in fig["metrics"]}
    before, after = index(old), index(new)
    keys = list(after) + [k for k in before if k not in after]
    rows = []
    for key in keys:
        title, m_new = after.get(key, (None, None))
        title_old, m_old = before.get(key, (None, None))
        ref = m_new or m_old
        change = "–"
        if m_new and m_old and isinstance(m_new["value"], (int, float)) and isinstance(m_old["value"], (int, float)) \
                and m_old["value"]:
            change = f"{(m_new['value'] - m_old['value']) / abs(m_old['value']) * 100:+.0f} %"
        rows.append([title or title_old, ref["label"],
                     fmt(m_old["value"], m_old["unit"]) if m_old else "–",
                     fmt(m_new["value"], m_new["unit"]) if m_new else "–", change,
                     verdict(m_old["met"]) if m_old else "–", verdict(m_new["met"]) if m_new else "–"])
    head = (f"Comparing {old['meta'].get('version')} ({old['meta'].get('commit')}, {old['meta'].get('date')}) "
            f"with {new['meta'].get('version')} ({new['meta'].get('commit')}, {new['meta'].get('date')}).")
    return "\n".join([head, ""] + _table(["Figure", "Metric", "Old", "New", "Change", "Old verdict", "New verdict"],
                                         rows)) + "\n"


def dumps(doc: dict) -> str:
    return json.dumps(doc, indent=1, sort_keys=False) + "\n"
