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
    # Care checks (a hardship mention in the review queue: was it handled well? never a violation).
    "care.kind": ("Tipo de elemento", "Item kind"),
    "care.kind.findings": ("Hallazgos", "Findings"),
    "care.kind.care": ("Revisiones de cuidado ({n})", "Care checks ({n})"),
    "care.badge": ("Revisión de cuidado", "Care check"),
    "care.question": (
        "El consumidor mencionó una dificultad (desempleo, enfermedad, duelo, desastre). ¿Se atendió con cuidado? "
        "No es una infracción: no cuenta en la puntuación de cumplimiento ni en la precisión de las reglas.",
        "The consumer mentioned hardship (job loss, illness, bereavement, disaster). Was it handled with care? "
        "This is not a violation: it never counts in the compliance score or in rule precision.",
    ),
    "care.show": ("Mostrar", "Show"),
    "care.show.new": ("Por revisar", "To check"),
    "care.show.decided": ("Revisadas", "Checked"),
    "care.empty": ("No hay revisiones de cuidado con este filtro.", "No care checks with this filter."),
    "care.item": ("Revisión de cuidado {n} de {total}", "Care check {n} of {total}"),
    "care.pick": ("Revisión de cuidado", "Care check"),
    "care.handled_well": ("Bien atendido", "Handled well"),
    "care.not_handled_well": ("Mal atendido", "Not handled well"),
    "care.state.new": ("Por revisar", "To check"),
    "care.state.handled_well": ("Bien atendido", "Handled well"),
    "care.state.not_handled_well": ("Mal atendido", "Not handled well"),
    "care.verdict": ("{state} · {who}: {reason}", "{state} · {who}: {reason}"),
    "care.saved": ("Guardado: {state}. La puntuación no cambia.", "Saved: {state}. The score does not change."),
    "care.conflict": (
        "Otra persona cambió esta revisión de cuidado; se recargó.",
        "Someone else changed this care check; it was reloaded.",
    ),
    # Coaching from outcomes (a missed or broken promise), Agents and Coaching pages.
    "oco.title": ("Coaching desde un resultado", "Coaching from an outcome"),
    "oco.caption": (
        "Contactos con el titular sin promesa de pago y promesas incumplidas del gestor. El seguimiento compara la "
        "tasa de promesas o de cumplimiento antes y después del coaching.",
        "The collector's right-party contacts without a promise to pay, and broken promises. The follow-up compares "
        "the promise rate or the kept rate before and after coaching.",
    ),
    "oco.none": ("Sin promesas no obtenidas ni incumplidas.", "No missed or broken promises."),
    "oco.pick": ("Contactos", "Contacts"),
    "oco.pick_hint": ("Elija uno o más contactos", "Choose one or more contacts"),
    "oco.kind.missed_promise": ("Promesa no obtenida", "Missed promise"),
    "oco.kind.broken_promise": ("Promesa incumplida", "Broken promise"),
    "oco.opened_from": ("Abierto desde: {what}", "Opened from: {what}"),
    "oco.counts": ("Casos", "Cases"),
    "oco.promise_rate_help": (
        "Promesas / contactos con el titular, en la ventana antes de abrir el ítem y después de su recepción.",
        "Promises / right-party contacts, in the window before the item was opened and after it was acknowledged.",
    ),
    "oco.kept_rate_help": (
        "Promesas cumplidas / promesas vencidas hechas en cada ventana (las pendientes no cuentan).",
        "Promises kept / promises settled made in each window (pending ones are left out).",
    ),
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
