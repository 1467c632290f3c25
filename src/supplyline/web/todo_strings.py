"""The needs-action page's words in English and Ukrainian (``?lang=uk`` or the browser's
Accept-Language)."""

from __future__ import annotations

from .enduse_strings import language

__all__ = ["STRINGS", "language"]

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "title": "To do",
        "intro": "What waits on {party} on {as_of}, the oldest first.",
        "not_shown": "What waits on a party is shown to that party, signed in.",
        "as_of": "As of",
        "show": "Show",
        "since": "Since",
        "days": "Days",
        "action": "To do",
        "record": "Record",
        "none": "Nothing waits on you.",
        "decide": "decide on the package",
        "receive": "confirm the receipt",
        "inventory": "inventory the items",
        "explain": "explain the late delivery",
        "fund": "fund the requirement",
        "validate": "validate the package",
        "concur": "concur or object",
        "approve": "approve the list version",
        "package": "package",
        "contract": "contract",
        "order": "production order",
        "shipment": "shipment",
        "requirement": "requirement",
        "list_version": "list version",
    },
    "uk": {
        "title": "До виконання",
        "intro": "Що чекає на {party} станом на {as_of}, спершу найдавніше.",
        "not_shown": "Що чекає на учасника, бачить лише цей учасник, увійшовши.",
        "as_of": "Станом на",
        "show": "Показати",
        "since": "З",
        "days": "Днів",
        "action": "Зробити",
        "record": "Запис",
        "none": "На вас нічого не чекає.",
        "decide": "ухвалити рішення щодо пакета",
        "receive": "підтвердити отримання",
        "inventory": "провести інвентаризацію",
        "explain": "пояснити запізнення поставки",
        "fund": "профінансувати потребу",
        "validate": "перевірити пакет",
        "concur": "погодити або заперечити",
        "approve": "затвердити версію переліку",
        "package": "пакет",
        "contract": "контракт",
        "order": "виробниче замовлення",
        "shipment": "відправлення",
        "requirement": "потреба",
        "list_version": "версія переліку",
    },
}
