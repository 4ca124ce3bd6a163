"""Read-side views for the dashboards: scoped queries returning plain rows and pure pandas roll-ups.

Pages call these functions (through ``st.cache_data``) and only draw. Every function takes a
:class:`~qa.views.scope.Scope`, so an agent's session can never read another agent's rows,
whatever page asks.
"""

from qa.views.scope import Filters, Scope

__all__ = ["Filters", "Scope"]
