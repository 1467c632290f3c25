"""The end-use page's words in English and Ukrainian (``?lang=uk`` or the browser's
Accept-Language). Category codes stay codes: they are the ledger's own words."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "title": "End-use monitoring",
        "intro": (
            "Serial-numbered items are carried from their shipment to their final disposition: inventoried "
            "within {initial} days of receipt, then at least every {interval} days. This page shows "
            "accountability — inventoried, disposed, overdue — never where a unit is or what it does."
        ),
        "public_note": (
            "The public sees the share of items not delinquent, per category and month. Serial numbers "
            "and sites stay with the recipient, the seller and auditors; funders see their packages' figures."
        ),
        "by_month": "Compliance per category and month",
        "month": "Month",
        "category": "Category",
        "compliant": "Not delinquent",
        "overall": "Overall, as of {as_of}",
        "by_package": "Per package",
        "package": "Package",
        "items": "Items",
        "due": "Due",
        "done": "Inventoried",
        "overdue": "Overdue",
        "disposed": "Disposed",
        "delinquent": "Delinquent",
        "todo": "Inventories due in the next 30 days",
        "site": "Site",
        "kind": "Inventory",
        "first_due": "First deadline",
        "nothing_due": "Nothing falls due in the next 30 days.",
        "overdue_serials": "Overdue serials",
        "serial": "Serial",
        "received": "Received",
        "last_inventory": "Last inventory",
        "none": "No serial-numbered item has been received yet.",
    },
    "uk": {
        "title": "Моніторинг кінцевого використання",
        "intro": (
            "Предмети з серійними номерами відстежуються від відвантаження до остаточного вибуття: "
            "інвентаризація протягом {initial} днів після отримання, далі щонайменше кожні {interval} днів. "
            "Сторінка показує підзвітність — проінвентаризовано, вибуло, прострочено — і ніколи не показує, "
            "де перебуває підрозділ чи що він робить."
        ),
        "public_note": (
            "Публіка бачить частку предметів без прострочення за категоріями та місяцями. Серійні номери й "
            "місця зберігання бачать лише отримувач, продавець і аудитори; донори бачать показники своїх пакетів."
        ),
        "by_month": "Дотримання за категоріями та місяцями",
        "month": "Місяць",
        "category": "Категорія",
        "compliant": "Без прострочення",
        "overall": "Загалом, станом на {as_of}",
        "by_package": "За пакетами",
        "package": "Пакет",
        "items": "Предметів",
        "due": "Очікують",
        "done": "Проінвентаризовано",
        "overdue": "Прострочено",
        "disposed": "Вибуло",
        "delinquent": "Частка прострочених",
        "todo": "Інвентаризації у наступні 30 днів",
        "site": "Місце",
        "kind": "Інвентаризація",
        "first_due": "Найближчий термін",
        "nothing_due": "У наступні 30 днів нічого не припадає.",
        "overdue_serials": "Прострочені серійні номери",
        "serial": "Серійний номер",
        "received": "Отримано",
        "last_inventory": "Остання інвентаризація",
        "none": "Жодного предмета із серійним номером ще не отримано.",
    },
}


def language(query: str | None, accept: str | None) -> str:
    if query in STRINGS:
        return query
    return "uk" if (accept or "").lower().startswith("uk") else "en"
