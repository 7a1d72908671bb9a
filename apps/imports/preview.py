"""
What an import's page lists: the records of each action with their changes, and the example rows skipped.

The changes come from the samples the check (and then the import) stored, which the kinds' plans made: an update
as field: old → new, a creation with its values.
"""

from apps.imports.kinds import ImportKind
from apps.imports.models import ImportRecord, ImportStatus

# Records of an action shown at once; the rest of those stored are one click away.
SAMPLES_SHOWN = 25
SECTION_TITLES = {
    # action: (before the import, after it)
    "create": ("To create", "Created"),
    "update": ("To update", "Updated"),
    "skip": ("Already there, left as they are", "Already there, left as they were"),
}


def count_text(number: int, kind: ImportKind | None) -> str:
    """ "1 customer", "12 customers"."""
    if kind is None:
        return f"{number:,}"
    return f"{number:,} {kind.noun if number == 1 else kind.noun_plural}"


def _rows_text(rows: list[int]) -> str:
    listed = ", ".join(str(row) for row in rows[:10])
    more = f" and {len(rows) - 10:,} more" if len(rows) > 10 else ""
    return f"row {listed}" if len(rows) == 1 else f"rows {listed}{more}"


def example_note(record: ImportRecord) -> str:
    """The note "1 example row skipped (row 3)"; empty when the file had none."""
    count = record.example_rows
    if not count:
        return ""
    rows = record.samples.get("examples") or []
    where = f" ({_rows_text(rows)})" if rows else ""
    return f"{count:,} example row{'s' if count != 1 else ''} skipped{where}"


def preview_sections(record: ImportRecord, kind: ImportKind | None) -> list[dict]:
    """
    The records of each action as the page lists them: every update with its changes (old → new) and every creation
    with its values, open; the records left as they are behind a click. The first ``SAMPLES_SHOWN`` show at once,
    the others stored behind "Show all"; ``unlisted`` counts those not stored at all (past ``SAMPLES_PER_ACTION``).
    """
    done = record.status == ImportStatus.IMPORTED
    counts = (
        {"create": record.created, "update": record.updated, "skip": record.skipped}
        if done
        else {"create": record.to_create, "update": record.to_update, "skip": record.to_skip}
    )
    sections = []
    for key, titles in SECTION_TITLES.items():
        items = record.samples.get(key) or []
        if not items:
            continue
        sections.append(
            {
                "key": key,
                "title": titles[1] if done else titles[0],
                "count": count_text(counts[key], kind),
                "items": items[:SAMPLES_SHOWN],
                "more": items[SAMPLES_SHOWN:],
                "listed": len(items),
                "unlisted": max(counts[key] - len(items), 0),
                "collapsed": key == "skip",
            }
        )
    return sections
