"""Words that say what a figure rests on (issue 21 item 3), in English and Ukrainian: how
currencies are converted, figures withheld until a date, and totals that count records the
reader cannot see. Pages pick the language as the end-use page does (``?lang=`` or
Accept-Language)."""

from __future__ import annotations

from .enduse_strings import language

__all__ = ["STRINGS", "language"]

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "conversion": (
            "Each pledge's money is converted into {currency} at one rate at every stage, the rate of the day "
            "it was pledged, so exchange-rate moves never make a later stage exceed an earlier one; each "
            "pledge's figure is summed in its own currency and converted once, so rows add up to the totals. "
            "Money recorded in {currency} itself (what allocations, contracts and receipts hold in a package's "
            "currency) is shown as recorded, never converted and back."
        ),
        "rates": "Rates used",
        "withheld_until": "withheld until {until}",
        "withheld_open": "withheld",
        "withheld_more": "+ {n} withheld",
        "open_findings": "{n} record(s) with an open audit finding",
        "undisclosed": (
            "Not in these figures: {figures} resting on values their recorders withheld (committed in the signed log)."
        ),
        "see_ledger": "See them in the ledger",
        "stage_figures": "{n} {stage} figure(s)",
        "packages_not_seen": "{n} not shown to you",
        "need_not_seen": (
            "The need counts every line of the prioritised list, {n} of them lines you may not see; "
            "the coverage per category counts only yours."
        ),
        "requirements": "Requirements",
        "download": "This table as a file, the figures you may see",
        "no_lines": "No line of the list you may see matches these filters.",
        "lines_not_seen": (
            "These figures count the {seen} line(s) of the prioritised list you may see; "
            "{n} other line(s) are not shown to you and not counted."
        ),
    },
    "uk": {
        "conversion": (
            "Кошти кожного зобов'язання перераховано в {currency} за одним курсом на всіх етапах — курсом дня, "
            "коли його оголошено, тож коливання курсу ніколи не роблять пізніший етап більшим за попередній; "
            "суму кожного зобов'язання складено в його валюті й перераховано один раз, тож рядки дають підсумок. "
            "Кошти, записані саме в {currency} (що тримають розподіли, контракти й отримання у валюті пакета), "
            "показано як записано, без перерахунку туди й назад."
        ),
        "rates": "Використані курси",
        "withheld_until": "приховано до {until}",
        "withheld_open": "приховано",
        "withheld_more": "+ {n} приховано",
        "open_findings": "записів із відкритим висновком аудиту: {n}",
        "undisclosed": (
            "Не враховано в цих показниках: {figures}, що спираються на значення, приховані тими, хто їх записав "
            "(зафіксовано в підписаному журналі)."
        ),
        "see_ledger": "Переглянути їх у журналі",
        "stage_figures": "{stage}: {n}",
        "packages_not_seen": "ще {n} вам не показано",
        "need_not_seen": (
            "Потреба охоплює всі рядки пріоритетного переліку, з них {n} вам не показано; "
            "покриття за категоріями враховує лише ваші."
        ),
        "requirements": "Потреби",
        "download": "Ця таблиця файлом, з показниками, які ви можете бачити",
        "no_lines": "Жоден рядок переліку, який ви можете бачити, не відповідає цим фільтрам.",
        "lines_not_seen": (
            "Ці показники враховують рядки пріоритетного переліку, які ви можете бачити ({seen}); "
            "ще {n} рядків вам не показано і не враховано."
        ),
    },
}
