"""Names of the kinds of deliverable as people read them, in each language."""

from __future__ import annotations

KIND_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "report": "Report",
        "oral_update": "Oral update",
        "consultation": "Consultation",
        "meeting": "Meeting",
        "review": "Review",
        "observance": "Observance",
        "other_deliverable": "Deliverable",
    },
    "fr": {
        "report": "Rapport",
        "oral_update": "Exposé oral",
        "consultation": "Consultation",
        "meeting": "Réunion",
        "review": "Examen",
        "observance": "Journée",
        "other_deliverable": "Livrable",
    },
}


def kind_label(kind: str, lang: str) -> str:
    """The name of ``kind`` in ``lang`` (English when the language has no labels)."""
    return KIND_LABELS.get(lang, KIND_LABELS["en"]).get(kind, kind)
