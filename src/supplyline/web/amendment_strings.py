"""The words of a contract's changes on the package page (issue 15 item 4), in English and
Ukrainian (``?lang=uk`` or the browser's Accept-Language)."""

from __future__ import annotations

from .enduse_strings import language

__all__ = ["STRINGS", "language"]

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Contract changes",
        "intro": (
            "A modification (a price within the tolerance, a due date) takes effect when recorded; an amendment "
            "(a quantity, a larger price change) once the recipient and every funder of the package accept it. "
            "The signed terms and every change stay in the log."
        ),
        "amendment": "Change",
        "contract": "Contract",
        "kind": "Kind",
        "rationale": "Rationale",
        "description": "Description",
        "changes": "Lines and dates",
        "state": "State",
        "effective": "In force",
        "awaiting": "Awaiting",
        "line": "line {line}: {old_q} × {old_p} → {new_q} × {new_p}",
        "due": "entry {entry}: due {old} → {new}",
        "modification": "modification",
        "amendment_kind": "amendment",
        "proposed": "awaiting acceptance",
        "in_force": "in force",
        "rejected": "refused by {party}: {reason}",
        "withheld": "withheld",
        "none": "No change to a contract of this package.",
        "in_trace": "amended by {id} ({rationale}): signed at {old}",
        "variance": "Variance: estimate to delivery",
        "variance_intro": (
            "Per contract line, for the units signed: the requirement's estimate, the package's price and the "
            "contract as signed; then the contract as it stands and the value delivered, at its current price."
        ),
        "estimate": "Estimate",
        "package_price": "Package",
        "original": "Signed",
        "current": "Current",
        "delivered": "Delivered",
        "reasons": "Why it changed",
        "variance_withheld": "{n} line(s) left out: some of their figures are withheld from this view.",
        "no_variance": "No contract line yet.",
    },
    "uk": {
        "title": "Зміни договорів",
        "intro": (
            "Модифікація (ціна в межах допуску, строк поставки) набирає чинності одразу після запису; поправка "
            "(кількість, більша зміна ціни) — коли її приймуть отримувач і кожен донор пакета. "
            "Підписані умови та кожна зміна залишаються в журналі."
        ),
        "amendment": "Зміна",
        "contract": "Договір",
        "kind": "Вид",
        "rationale": "Підстава",
        "description": "Опис",
        "changes": "Рядки та строки",
        "state": "Стан",
        "effective": "Чинна з",
        "awaiting": "Очікує",
        "line": "рядок {line}: {old_q} × {old_p} → {new_q} × {new_p}",
        "due": "позиція {entry}: строк {old} → {new}",
        "modification": "модифікація",
        "amendment_kind": "поправка",
        "proposed": "очікує прийняття",
        "in_force": "чинна",
        "rejected": "відхилена {party}: {reason}",
        "withheld": "приховано",
        "none": "Договори цього пакета не змінювалися.",
        "in_trace": "змінено {id} ({rationale}): підписано за {old}",
        "variance": "Відхилення: від оцінки до поставки",
        "variance_intro": (
            "Для кожного рядка договору, для підписаної кількості: оцінка потреби, ціна пакета і договір у "
            "підписаному вигляді; далі чинний договір і вартість поставленого за чинною ціною."
        ),
        "estimate": "Оцінка",
        "package_price": "Пакет",
        "original": "Підписано",
        "current": "Чинний",
        "delivered": "Поставлено",
        "reasons": "Чому змінилося",
        "variance_withheld": "Пропущено рядків: {n} — частина їхніх сум прихована для цього перегляду.",
        "no_variance": "Рядків договору ще немає.",
    },
}
