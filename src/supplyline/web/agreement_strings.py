"""The package page's checklist in English and Ukrainian (issue 17, item 2): the steps its
mechanism asks before the seller decides, and who did what when."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "heading": "Before the seller decides",
        "intro": "The steps {mechanism} packages pass before approval, and who did what when.",
        "none": "This mechanism asks for no steps before the seller decides.",
        "waiting_on": "Waiting on: {names}.",
        "step": "Step",
        "party": "Party",
        "status": "Done",
        "on": "On",
        "reason": "Reason",
        "history": "What was done",
        "validation": "Validation",
        "concurrence": "Concurrence",
        "coordinator": "the coordinator",
        "validated": "validated",
        "returned": "returned to draft",
        "concur": "concurred",
        "object": "objected",
        "waiting": "waiting",
        "withheld": "(withheld)",
    },
    "uk": {
        "heading": "Перед рішенням продавця",
        "intro": "Кроки, які пакети {mechanism} проходять перед схваленням, і хто що зробив і коли.",
        "none": "Цей механізм не вимагає кроків перед рішенням продавця.",
        "waiting_on": "Очікується: {names}.",
        "step": "Крок",
        "party": "Сторона",
        "status": "Виконано",
        "on": "Дата",
        "reason": "Причина",
        "history": "Що зроблено",
        "validation": "Валідація",
        "concurrence": "Погодження",
        "coordinator": "координатор",
        "validated": "валідовано",
        "returned": "повернуто на доопрацювання",
        "concur": "погоджено",
        "object": "заперечено",
        "waiting": "очікується",
        "withheld": "(приховано)",
    },
}
