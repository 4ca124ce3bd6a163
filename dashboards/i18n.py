"""Every UI string, in Spanish (default) and English, and the one function pages use to read them."""

from __future__ import annotations

LANGUAGES = {"es": "Español", "en": "English"}
DEFAULT_LANGUAGE = "es"

# key: (Spanish, English)
STRINGS: dict[str, tuple[str, str]] = {
    # Shell and login
    "app.title": ("Auditoría de cobranza", "Collections compliance"),
    "app.tagline": ("Cumplimiento y calidad de la gestión de cobranza", "Compliance and quality of collection contacts"),
    "login.title": ("Iniciar sesión", "Sign in"),
    "login.user": ("Usuario", "Username"),
    "login.password": ("Contraseña", "Password"),
    "login.submit": ("Entrar", "Sign in"),
    "login.sso": ("Entrar con inicio de sesión único", "Sign in with single sign-on"),
    "login.sso_unknown": (
        "Su cuenta de inicio único no tiene usuario en el sistema: {who}",
        "Your single sign-on account has no user here: {who}",
    ),
    "login.failed": (
        "Usuario o contraseña incorrectos, o cuenta desactivada.",
        "Wrong username or password, or account disabled.",
    ),
    "login.demo_hint": (
        "Usuarios de demostración: agente, supervisor, analista, legal, admin (contraseña «demo-password»).",
        "Demo users: agente, supervisor, analista, legal, admin (password “demo-password”).",
    ),
    "logout": ("Cerrar sesión", "Sign out"),
    "language": ("Idioma", "Language"),
    "signed_in_as": ("Sesión de **{user}** · {role}", "Signed in as **{user}** · {role}"),
    "role.agent": ("Agente", "Agent"),
    "role.supervisor": ("Supervisor", "Supervisor"),
    "role.qa_analyst": ("Analista de calidad", "QA analyst"),
    "role.legal": ("Legal y cumplimiento", "Legal & compliance"),
    "role.admin": ("Administrador", "Administrator"),
    "nav.work": ("Trabajo", "Work"),
    "nav.insight": ("Indicadores", "Insight"),
    "nav.admin": ("Administración", "Administration"),
    "page.overview": ("Resumen", "Overview"),
    "page.queue": ("Cola de revisión", "Review queue"),
    "page.agents": ("Agentes", "Agents"),
    "page.coaching": ("Coaching", "Coaching"),
    "page.disputes": ("Disputas y calibración", "Disputes & calibration"),
    "page.legal": ("Legal", "Legal"),
    "page.rules": ("Reglas", "Rules"),
    "page.ingest": ("Carga de datos", "Ingest"),
    "no_access": ("Su rol no tiene acceso a esta página.", "Your role has no access to this page."),
    "no_data": ("No hay datos para estos filtros.", "No data for these filters."),
    "error": ("No se pudo completar: {msg}", "Could not complete: {msg}"),
    # Filters
    "f.dates": ("Fechas", "Dates"),
    "f.teams": ("Equipos", "Teams"),
    "f.jurisdictions": ("Jurisdicciones", "Jurisdictions"),
    "f.family": ("Familia", "Family"),
    "f.all": ("Todas", "All"),
    "f.agent": ("Agente", "Agent"),
    "f.period": ("Periodo", "Period"),
    "period.week": ("Semana", "Week"),
    "period.month": ("Mes", "Month"),
    "period.day": ("Día", "Day"),
    # KPIs
    "k.contacts": ("Contactos", "Contacts"),
    "k.per_100": ("Infracciones / 100 contactos", "Violations / 100 contacts"),
    "k.critical": ("Hallazgos críticos", "Critical findings"),
    "k.mean_score": ("Puntuación media", "Mean score"),
    "k.pass_rate": ("Tasa de aprobación", "Pass rate"),
    "k.precision": ("Precisión revisada", "Reviewed precision"),
    "k.open_cases": ("Casos abiertos", "Open cases"),
    "k.held": ("En retención legal", "Under legal hold"),
    "k.pending": ("Pendientes de revisión", "Awaiting review"),
    "k.findings": ("Hallazgos", "Findings"),
    "k.auto_failed": ("Suspensos automáticos", "Auto-fails"),
    "ov.by_family": ("Infracciones por 100 contactos, por familia", "Violations per 100 contacts by family"),
    "ov.by_jurisdiction": ("Por jurisdicción", "By jurisdiction"),
    "ov.by_team": ("Por equipo", "By team"),
    "ov.trend": ("Tendencia semanal por familia", "Weekly trend by family"),
    "ov.score_trend": ("Puntuación media semanal", "Weekly mean score"),
    "col.family": ("Familia", "Family"),
    "col.week": ("Semana", "Week"),
    "col.per_100": ("Por 100 contactos", "Per 100 contacts"),
    "col.findings": ("Hallazgos", "Findings"),
    "col.contacts": ("Contactos", "Contacts"),
    "col.team": ("Equipo", "Team"),
    "col.jurisdiction": ("Jurisdicción", "Jurisdiction"),
    "col.score": ("Puntuación", "Score"),
    "col.rank": ("Puesto", "Rank"),
    "col.agent": ("Agente", "Agent"),
    "col.interactions": ("Interacciones", "Interactions"),
    "col.pass_rate": ("Aprobación", "Pass rate"),
    "col.change": ("Cambio", "Change"),
    "col.trend": ("Tendencia", "Trend"),
    "col.rule": ("Regla", "Rule"),
    "col.severity": ("Gravedad", "Severity"),
    "col.date": ("Fecha", "Date"),
    "col.channel": ("Canal", "Channel"),
    "col.interaction": ("Interacción", "Interaction"),
    "col.floor": ("Media del piso", "Floor mean"),
    "col.state": ("Estado", "State"),
    "col.citation": ("Cita legal", "Citation"),
    "col.hits": ("Aciertos", "Hits"),
    "col.precision": ("Precisión", "Precision"),
    # Families
    "fam.threat": ("Amenazas", "Threats"),
    "fam.third_party_disclosure": ("Revelación a terceros", "Third-party disclosure"),
    "fam.false_claim": ("Afirmación falsa", "False claim"),
    "fam.off_hours": ("Fuera de horario", "Off hours"),
    "fam.frequency": ("Frecuencia excesiva", "Excessive frequency"),
    "fam.missing_disclosure": ("Falta de aviso", "Missing disclosure"),
    "fam.abusive_language": ("Lenguaje abusivo", "Abusive language"),
    "fam.cease_violation": ("Contacto tras cese", "Contact after cease"),
    "fam.other": ("Otros", "Other"),
    "sev.critical": ("Crítica", "Critical"),
    "sev.major": ("Grave", "Major"),
    "sev.minor": ("Leve", "Minor"),
    "state.new": ("Nuevo", "New"),
    "state.confirmed": ("Confirmado", "Confirmed"),
    "state.dismissed": ("Descartado", "Dismissed"),
    "state.downgraded": ("Rebajado", "Downgraded"),
    "state.unclear": ("Dudoso", "Unclear"),
    # Agents
    "ag.ranking": ("Clasificación del periodo", "Ranking for the period"),
    "ag.scorecard": ("Ficha del agente", "Agent scorecard"),
    "ag.trend": ("Evolución de la puntuación", "Score trend"),
    "ag.breakdown": ("Hallazgos por familia y regla", "Findings by family and rule"),
    "ag.worst": ("Peores interacciones", "Worst interactions"),
    "ag.open": ("Abrir", "Open"),
    "ag.teams": ("Equipos", "Teams"),
    "ag.none": ("No hay agentes visibles para su usuario.", "No agents visible to your user."),
    "ag.your_page": ("Su ficha", "Your scorecard"),
    # Interaction view
    "iv.title": ("Interacción {id}", "Interaction {id}"),
    "iv.transcript": ("Transcripción", "Transcript"),
    "iv.findings": ("Hallazgos", "Findings"),
    "iv.audio_from": ("Reproducir desde el segundo {s}", "Playing from second {s}"),
    "iv.no_audio": ("Sin grabación (contacto escrito).", "No recording (written contact)."),
    "iv.explanation": ("Explicación", "Explanation"),
    "iv.evidence": ("Evidencia", "Evidence"),
    "iv.not_visible": ("Interacción no disponible para su usuario.", "Interaction not available to your user."),
    "speaker.agent": ("Agente", "Agent"),
    "speaker.consumer": ("Consumidor", "Consumer"),
    "speaker.unknown": ("Desconocido", "Unknown"),
    "speaker.system": ("Sistema", "System"),
    "speaker.third_party": ("Tercero", "Third party"),
    # Review queue
    "q.empty": ("No hay hallazgos pendientes con estos filtros.", "No findings awaiting review with these filters."),
    "q.item": ("Hallazgo {n} de {total}", "Finding {n} of {total}"),
    "q.pick": ("Hallazgo", "Finding"),
    "q.reason": ("Motivo", "Reason"),
    "q.reason_needed": ("Indique un motivo.", "Give a reason."),
    "q.severity": ("Nueva gravedad", "New severity"),
    "q.confirm": ("Confirmar", "Confirm"),
    "q.dismiss": ("Descartar", "Dismiss"),
    "q.downgrade": ("Rebajar", "Downgrade"),
    "q.unclear": ("Dudoso", "Unclear"),
    "q.prev": ("Anterior", "Previous"),
    "q.next": ("Siguiente", "Next"),
    "q.saved": ("Guardado: {state}. Puntuación {before} → {after}.", "Saved: {state}. Score {before} → {after}."),
    "q.conflict": ("Otra persona revisó este hallazgo; se recargó.", "Someone else reviewed this finding; it was reloaded."),
    "q.rule_precision": ("Precisión de la regla", "Rule precision"),
    "q.interaction_score": ("Puntuación de la interacción", "Interaction score"),
    "q.no_lower": ("Ya tiene la gravedad más baja.", "Already at the lowest severity."),
    # Rules
    "r.search": ("Buscar regla", "Search rules"),
    "r.violating": ("Ejemplos que infringen", "Violating examples"),
    "r.lawful": ("Ejemplos lícitos", "Lawful examples"),
    "r.count": ("{n} reglas", "{n} rules"),
    # Ingest
    "in.upload": (
        "Suba exportaciones de chat (.json, .jsonl, .csv) o grabaciones con su manifiesto (.csv + audio)",
        "Upload chat exports (.json, .jsonl, .csv) or recordings with their manifest (.csv + audio)",
    ),
    "in.start": ("Cargar", "Ingest"),
    "in.progress": ("Procesando {name} ({i}/{n})", "Processing {name} ({i}/{n})"),
    "in.done": (
        "{stored} guardadas, {dup} duplicadas, {failed} con error, {findings} hallazgos",
        "{stored} stored, {dup} duplicates, {failed} failed, {findings} findings",
    ),
    "in.runs": ("Cargas recientes", "Recent ingest runs"),
    "in.errors": ("Errores por archivo", "Per-file errors"),
    "in.no_errors": ("Sin errores.", "No errors."),
}


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """Return the string ``key`` in ``lang`` (Spanish when unknown), formatted with ``values``; the key itself if missing."""
    pair = STRINGS.get(key)
    if pair is None:
        return key
    text = pair[1] if lang == "en" else pair[0]
    return text.format(**values) if values else text


def label(prefix: str, value: str | None, lang: str) -> str:
    """Translate a vocabulary value (family, severity, state, role, speaker); unknown values are shown as they are."""
    if value is None:
        return "—"
    key = f"{prefix}.{value}"
    return t(key, lang) if key in STRINGS else value
