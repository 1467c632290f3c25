"""The evidence's words (issue 18) in English and Ukrainian: the findings page and the
documents and findings on a package's page (``?lang=uk`` or the browser's Accept-Language)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Audit findings",
        "intro": (
            "An auditor's findings on records: the criteria, the condition found and the day an answer is due; "
            "the record's owners answer, the auditor closes or reopens. You see the findings on the records you "
            "may read, and closed findings their auditor made public."
        ),
        "aging": "Open findings by age",
        "age": "Age (days)",
        "finding": "Finding",
        "record": "Record",
        "severity": "Severity",
        "state": "State",
        "criteria": "Criteria",
        "condition": "Condition",
        "response": "Answer",
        "resolution": "Resolution",
        "due": "Answer due",
        "opened": "Opened",
        "overdue": "overdue",
        "open": "Open",
        "none": "No finding to show.",
        "documents": "Documents",
        "document": "Document",
        "type": "Type",
        "language": "Language",
        "size": "Size (bytes)",
        "sha256": "SHA-256 (in the public log)",
        "download": "download",
        "withheld": "withheld",
        "no_documents": "No document attached.",
        "flag": "{record} has {n} open audit finding(s)",
    },
    "uk": {
        "title": "Висновки аудиту",
        "intro": (
            "Висновки аудитора щодо записів: критерії, виявлений стан і дата, до якої потрібна відповідь; "
            "власники запису відповідають, аудитор закриває або відновлює висновок. Ви бачите висновки щодо "
            "записів, які можете читати, і закриті висновки, які аудитор оприлюднив."
        ),
        "aging": "Відкриті висновки за віком",
        "age": "Вік (днів)",
        "finding": "Висновок",
        "record": "Запис",
        "severity": "Важливість",
        "state": "Стан",
        "criteria": "Критерії",
        "condition": "Виявлений стан",
        "response": "Відповідь",
        "resolution": "Рішення",
        "due": "Відповідь до",
        "opened": "Відкрито",
        "overdue": "прострочено",
        "open": "Відкриті",
        "none": "Немає висновків для показу.",
        "documents": "Документи",
        "document": "Документ",
        "type": "Тип",
        "language": "Мова",
        "size": "Розмір (байтів)",
        "sha256": "SHA-256 (у публічному журналі)",
        "download": "завантажити",
        "withheld": "приховано",
        "no_documents": "Документів не додано.",
        "flag": "{record}: відкритих висновків аудиту — {n}",
    },
}
