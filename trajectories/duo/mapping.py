"""Pure translations between DUO's messages and ours: exam results to progress events, modules to reports."""
from datetime import date, timedelta

from trajectories.duo.models import OutboxKind
from trajectories.termijn import legal_end

SENDER = "duo"
#: Our module codes (progress-events.md) -> the outbox kind and DUO's body field (MAP, PVT, Z-route API).
MODULE_REPORTS = {
    "MAP": (OutboxKind.REPORT_MAP, "datumEindgesprekMap"),
    "PVT": (OutboxKind.REPORT_PVT, "datumOndertekeningPvt"),
    "ZROUTE": (OutboxKind.REPORT_ZROUTE, "datumAfrondingZroute"),
}
REPORT_PATHS = {OutboxKind.REPORT_MAP: "map", OutboxKind.REPORT_PVT: "pvt", OutboxKind.REPORT_ZROUTE: "zroute"}
#: SS110 (obligation withdrawn) and SS111 (died) end the trajectory with this dropout reason.
END_EVENTS = {"SS110": "overig", "SS111": "overig"}
BACKOFF_FIRST = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=6)


def exam_event(result: dict, trajectory_id: int, reference: str) -> dict:
    """One DUO Examenresultaat as an `exam` progress event; the event_id makes a refetch a no-op."""
    component, level = result["onderdeel"], result.get("niveau")
    if component == "KNM":
        level = None  # KNM has no level in our model, whatever DUO sends
    day = result["examendatum"]
    event = {"event_id": f"duo.T{trajectory_id}.exam.{component}.{level or 'x'}.{day:%Y%m%d}",
             "trajectory": reference, "type": "exam", "date": day.isoformat(),
             "component": component, "result": result["resultaat"].lower()}
    if level:
        event["level"] = level
    return event


def exam_events(results: list[dict], trajectory_id: int, reference: str, referral_date: date,
                today: date) -> list[dict]:
    """The (loaded) results that belong to this trajectory: from its referral date up to today, oldest first.

    A language exam without a level cannot be recorded (our `exam` event needs one) and is left out.
    """
    own = [r for r in results if referral_date <= r["examendatum"] <= today
           and (r["onderdeel"] == "KNM" or r.get("niveau"))]
    return [exam_event(r, trajectory_id, reference) for r in sorted(own, key=lambda r: (r["examendatum"],
                                                                                        r["onderdeel"]))]


def end_event(code: str, trajectory_id: int, reference: str, day: date) -> dict:
    """SS110/SS111: the `dropout` event that ends the trajectory."""
    return {"event_id": f"duo.T{trajectory_id}.{code}", "trajectory": reference, "type": "dropout",
            "date": day.isoformat(), "reason": END_EVENTS[code]}


def module_report(module: str, completed_on: date) -> tuple[OutboxKind, dict]:
    """A `module_completed` event as DUO's PUT body; `verwijtbaar` is left out (we never know it)."""
    kind, field = MODULE_REPORTS[module]
    return kind, {field: completed_on.isoformat()}


def term_from_duo(body: dict) -> dict:
    """DUO's Inburgeringstermijn (einddatum exclusive) as our state columns (ends_on inclusive); the reason of an
    extension is its description, or its code when DUO gives only that."""
    reason = body.get("verlengingsgrondomschrijving") or body.get("verlengingsgrondcode")
    return {"term_starts_on": body["startdatum"], "term_ends_on": body["einddatum"] - timedelta(days=1),
            "term_changed_on": body.get("wijzigingsdatum"),
            "term_extension_reason": reason[:200] if reason else None}


def trajectory_term(term: dict, ends_on: date | None) -> dict:
    """The termijn as the trajectory keeps it, from term_from_duo's columns. A termijn DUO gives with a
    verlengingsgrond was extended: its end before (`ends_on`, when earlier) or else the legal end, three years
    after the start (Wet inburgering 2021, art. 7.1), stays the termijn's end, and DUO's end is the extension's."""
    last = term["term_ends_on"]
    if not term["term_extension_reason"]:
        return {"term_ends_on": last, "term_extended_until": None}
    original = ends_on if ends_on is not None and ends_on < last else min(legal_end(term["term_starts_on"]), last)
    return {"term_ends_on": original, "term_extended_until": last if last > original else None}


def backoff(attempts: int, retry_after: int | None = None) -> timedelta:
    """Wait after the n-th failed attempt: 1, 2, 4 ... minutes, at most 6 hours; DUO's Retry-After if longer."""
    wait = min(BACKOFF_FIRST * 2 ** min(max(attempts - 1, 0), 20), BACKOFF_MAX)
    return max(wait, timedelta(seconds=retry_after)) if retry_after else wait
