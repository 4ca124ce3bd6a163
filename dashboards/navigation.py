"""Which pages exist, who may open each one, and in which navigation section they appear."""

from __future__ import annotations

from dataclasses import dataclass

from qa.workflow.access import Principal, Right, Role


@dataclass(frozen=True)
class PageSpec:
    key: str  # i18n key "page.<key>" and URL path
    path: str  # relative to dashboards/app.py
    icon: str
    section: str  # i18n key of the navigation section
    rights: tuple[Right, ...] = ()  # any of them opens the page
    roles: tuple[Role, ...] = ()  # or any of these roles

    def allows(self, who: Principal) -> bool:
        if not self.rights and not self.roles:
            return True
        return any(who.can(r) for r in self.rights) or who.role in self.roles


PAGES: tuple[PageSpec, ...] = (
    PageSpec("overview", "pages/overview.py", ":material/monitoring:", "nav.insight"),
    PageSpec("queue", "pages/review_queue.py", ":material/fact_check:", "nav.work", rights=(Right.REVIEW,)),
    PageSpec("agents", "pages/agents.py", ":material/badge:", "nav.insight"),
    PageSpec(
        "coaching",
        "pages/coaching.py",
        ":material/school:",
        "nav.work",
        rights=(Right.COACH, Right.ACKNOWLEDGE_COACHING),
        roles=(Role.ADMIN,),
    ),  # fmt: skip
    PageSpec(
        "disputes",
        "pages/disputes.py",
        ":material/balance:",
        "nav.work",
        rights=(Right.OPEN_DISPUTE, Right.DECIDE_DISPUTE, Right.CALIBRATE),
    ),  # fmt: skip
    PageSpec("legal", "pages/legal.py", ":material/gavel:", "nav.work", rights=(Right.SEARCH, Right.MANAGE_CASES)),
    PageSpec("rules", "pages/rules.py", ":material/rule:", "nav.insight", rights=(Right.VIEW_PRECISION,)),
    PageSpec("ingest", "pages/ingest.py", ":material/upload_file:", "nav.admin", roles=(Role.ADMIN, Role.QA_ANALYST)),
    PageSpec("users", "pages/users.py", ":material/manage_accounts:", "nav.admin", rights=(Right.MANAGE_USERS,)),
)
BY_KEY = {p.key: p for p in PAGES}


def pages_for(who: Principal) -> list[PageSpec]:
    return [p for p in PAGES if p.allows(who)]
