"""The money page's words in English and Ukrainian (``?lang=uk`` or the browser's
Accept-Language). Stage names are the issue's: committed, paid in, allocated, transferred,
obligated, expended, released, returned."""

from __future__ import annotations

from .enduse_strings import language

__all__ = ["STRINGS", "language"]

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Money by stage",
        "intro": (
            "Every pledge's money, stage by stage: committed by the funder, paid into the mechanism's account, "
            "allocated to package lines, transferred to the seller, obligated on contract lines, expended to "
            "suppliers, released back to the pledge or returned to the funder. Returned + unallocated + allocated "
            "always equals committed."
        ),
        "not_shown": "Money by stage is shown to coordinators, auditors and each funder for its own pledges.",
        "by_funder": "Per funder, in {currency} at the rate of {on}",
        "by_pledge": "Per pledge, in its currency",
        "by_package": "Per package and pledge",
        "funder": "Funder",
        "pledge": "Pledge",
        "package": "Package",
        "total": "Total",
        "committed": "Committed",
        "paid_in": "Paid in",
        "allocated": "Allocated",
        "unallocated": "Unallocated",
        "transferred": "Transferred",
        "obligated": "Obligated",
        "expended": "Expended",
        "released": "Released",
        "returned": "Returned",
        "undisclosed": "{n} pledge(s) left out: their amounts are withheld from this view.",
        "none": "No pledge to show.",
        "on_overview": "Money by stage per funder, in {currency} at the rate of {on}",
        "for_package": "Money by stage for this package, per pledge in its currency",
        "see_all": "Every stage per funder, pledge and package",
        "payments": "Payments",
        "stage_paid_in": "paid into the account",
        "stage_transferred": "transferred to the seller",
        "stage_expended": "paid to the supplier",
        "another_pledge": "another funder's pledge",
    },
    "uk": {
        "title": "Кошти за етапами",
        "intro": (
            "Кошти кожного зобов'язання, етап за етапом: зобов'язано донором, сплачено на рахунок механізму, "
            "розподілено на рядки пакетів, переказано продавцю, зарезервовано за рядками контрактів, сплачено "
            "постачальникам, повернуто до зобов'язання або донору. Повернуто + не розподілено + розподілено "
            "завжди дорівнює зобов'язаному."
        ),
        "not_shown": "Кошти за етапами бачать координатори, аудитори і кожен донор — за своїми зобов'язаннями.",
        "by_funder": "За донорами, у {currency} за курсом на {on}",
        "by_pledge": "За зобов'язаннями, у їхній валюті",
        "by_package": "За пакетами і зобов'язаннями",
        "funder": "Донор",
        "pledge": "Зобов'язання",
        "package": "Пакет",
        "total": "Разом",
        "committed": "Зобов'язано",
        "paid_in": "Сплачено",
        "allocated": "Розподілено",
        "unallocated": "Не розподілено",
        "transferred": "Переказано",
        "obligated": "Зарезервовано",
        "expended": "Витрачено",
        "released": "Вивільнено",
        "returned": "Повернуто",
        "undisclosed": "Не показано зобов'язань: {n} — їхні суми приховано для цього перегляду.",
        "none": "Немає зобов'язань для показу.",
        "on_overview": "Кошти за етапами за донорами, у {currency} за курсом на {on}",
        "for_package": "Кошти цього пакета за етапами, за зобов'язаннями в їхній валюті",
        "see_all": "Усі етапи за донорами, зобов'язаннями й пакетами",
        "payments": "Платежі",
        "stage_paid_in": "сплачено на рахунок",
        "stage_transferred": "переказано продавцю",
        "stage_expended": "сплачено постачальнику",
        "another_pledge": "зобов'язання іншого донора",
    },
}
