"""UI strings of the collection-results panels and the supervisors' "Today" list (issue 17), Spanish and English.

Merged into :data:`dashboards.i18n.STRINGS`; kept apart so that file stays short.
"""

from __future__ import annotations

OUTCOME_STRINGS: dict[str, tuple[str, str]] = {
    "oc.title": ("Resultados de cobranza", "Collection results"),
    "oc.caption": (
        "Contacto con el titular (CPC), promesas de pago y su cumplimiento, junto al cumplimiento normativo. "
        "General: 0 bajo el umbral de cumplimiento ({gate}); sobre él, media ponderada ({weights}).",
        "Right-party contact (RPC), promises to pay and whether they were kept, beside compliance. "
        "Overall: 0 below the compliance gate ({gate}); above it, a weighted mean ({weights}).",
    ),
    "oc.none": ("No hay resultados de llamadas en este periodo.", "No call outcomes in this period."),
    "oc.per_day": ("Contactos por día", "Contacts per day"),
    "oc.rpc": ("Tasa de contacto con el titular", "Right-party contact rate"),
    "oc.promise_rate": ("Tasa de promesas", "Promise rate"),
    "oc.kept_rate": ("Promesas cumplidas", "Promises kept"),
    "oc.promised": ("Prometido", "Promised"),
    "oc.collected": ("Recaudado", "Collected"),
    "oc.compliance": ("Cumplimiento", "Compliance"),
    "oc.overall": ("General", "Overall"),
    "oc.contacts": ("Contactos", "Contacts"),
    "oc.hardship": ("Dificultad económica", "Hardship"),
    "oc.by_collector": ("Por gestor", "By collector"),
    "oc.by_team": ("Por equipo", "By team"),
    "oc.kept_help": (
        "Cumplidas / promesas vencidas (cumplidas, en parte o incumplidas), tras los días de gracia.",
        "Kept / promises settled (kept, partly kept or broken), after the grace days.",
    ),
    "oc.agent": ("Resultados de cobranza del gestor", "The collector's collection results"),
    "today.title": ("Hoy", "Today"),
    "today.caption": (
        "Promesas incumplidas sin contacto posterior y devoluciones de llamada acordadas, por gestor ({day}).",
        "Broken promises with no contact since and agreed callbacks, per collector ({day}).",
    ),
    "today.as_of": (
        "Los datos terminan el {day}: la lista se muestra a esa fecha.",
        "The data ends on {day}: the list is shown as of that day.",
    ),
    "today.empty": ("Nada pendiente para hoy.", "Nothing due today."),
    "today.kind": ("Tarea", "Task"),
    "today.account": ("Cuenta", "Account"),
    "today.interaction": ("Contacto", "Contact"),
    "today.due": ("Vence", "Due"),
    "today.amount": ("Monto", "Amount"),
    "today.broken_promise": ("Promesa incumplida", "Broken promise"),
    "today.callback_due": ("Llamada acordada hoy", "Callback due today"),
    "today.callback_overdue": ("Llamada acordada vencida", "Callback overdue"),
}
