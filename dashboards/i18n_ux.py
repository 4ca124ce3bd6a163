"""UI strings of the period picker, the review queue's filters and paging, and the legal timeline (Spanish, English).

Merged into :data:`dashboards.i18n.STRINGS`; kept apart so that file stays short.
"""

from __future__ import annotations

UX_STRINGS: dict[str, tuple[str, str]] = {
    "period.custom": ("Rango", "Range"),
    "f.which_week": ("Semana", "Week"),
    "f.which_month": ("Mes", "Month"),
    "f.range": ("Desde – hasta", "From – to"),
    "f.period_note": (
        "Por defecto, el último periodo completo con datos a su alcance.",
        "By default, the last complete period with data in your scope.",
    ),
    "ag.floor_note": (
        "Media del piso: todos los agentes del centro (sin mostrar sus filas).",
        "Floor mean: every agent on the floor (their rows are not shown).",
    ),
    "ag.previous": ("Periodo anterior", "Previous period"),
    "q.filters": ("Filtros y orden", "Filters and order"),
    "q.agent": ("Agente", "Agent"),
    "q.severity_filter": ("Gravedad", "Severity"),
    "q.channel": ("Canal", "Channel"),
    "q.recording": ("Grabación", "Recording"),
    "q.rec.yes": ("Con grabación", "With recording"),
    "q.rec.no": ("Sin grabación", "Without recording"),
    "q.source": ("Origen", "Source"),
    "q.source.rule": ("Regla", "Rule"),
    "q.source.learned": ("Modelo aprendido", "Learned model"),
    "q.status": ("Estado", "Status"),
    "q.dates": ("Fechas (hora local del consumidor)", "Dates (consumer's local time)"),
    "q.jump": ("Ir a la interacción (id)", "Jump to interaction (id)"),
    "q.jump_hint": ("p. ej. demo-rec-001", "e.g. demo-rec-001"),
    "q.sort": ("Orden", "Order"),
    "q.sort.priority": ("Prioridad (gravedad, luego antigüedad)", "Priority (severity, then age)"),
    "q.sort.newest": ("Más recientes primero", "Newest first"),
    "q.sort.oldest": ("Más antiguos primero", "Oldest first"),
    "q.sort.rule": ("Por regla", "By rule"),
    "q.page_size": ("Por página", "Per page"),
    "q.page": ("Página", "Page"),
    "q.page_of": ("Página {page} de {pages}", "Page {page} of {pages}"),
    "q.prev_page": ("Página anterior", "Previous page"),
    "q.next_page": ("Página siguiente", "Next page"),
    "q.not_in_queue": (
        "La interacción {id} no tiene hallazgos con estos filtros (revise el estado elegido).",
        "Interaction {id} has no findings with these filters (check the chosen status).",
    ),
    "q.when": ("{time} ({zone})", "{time} ({zone})"),
    "q.shortcuts": (
        "Atajos de teclado: Alt+1 confirmar · Alt+2 descartar · Alt+3 rebajar · Alt+4 dudoso (con el motivo escrito) · "
        "Alt+N siguiente · Alt+P anterior.",
        "Keyboard shortcuts: Alt+1 confirm · Alt+2 dismiss · Alt+3 downgrade · Alt+4 unclear (with the reason written) · "
        "Alt+N next · Alt+P previous.",
    ),
    "in.col.run": ("Carga", "Run"),
    "in.col.kind": ("Tipo", "Kind"),
    "in.col.status": ("Estado", "Status"),
    "in.col.started_at": ("Inicio", "Started"),
    "in.col.finished_at": ("Fin", "Finished"),
    "in.col.seen": ("Leídas", "Read"),
    "in.col.stored": ("Guardadas", "Stored"),
    "in.col.duplicates": ("Duplicadas", "Duplicates"),
    "in.col.failed": ("Fallidas", "Failed"),
    "in.col.file": ("Archivo", "File"),
    "in.col.line": ("Línea", "Line"),
    "in.col.record_id": ("Id del registro", "Record id"),
    "in.col.reason": ("Motivo", "Reason"),
    "in.col.resolved_at": ("Resuelto", "Resolved"),
    "channel.call": ("Llamada", "Call"),
    "channel.chat": ("Chat", "Chat"),
    "channel.sms": ("SMS", "SMS"),
    "channel.email": ("Correo", "Email"),
    "direction.outbound": ("Saliente", "Outbound"),
    "direction.inbound": ("Entrante", "Inbound"),
    "lg.findings": ("Hallazgos", "Findings"),
    "lg.case_contacts": ("Contactos del caso ({n})", "Contacts in the case ({n})"),
    "lg.by_family_note": (
        "Contactos con al menos un hallazgo de cada familia (un contacto puede contar en varias).",
        "Contacts with at least one finding of each family (a contact may count in several).",
    ),
    "co.to_coach_period": (
        "Periodo elegido: menor puntuación media primero, luego más suspensos automáticos.",
        "Chosen period: lowest mean score first, then most auto-fails.",
    ),
}
