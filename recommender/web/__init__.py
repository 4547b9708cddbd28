"""The web pages, one blueprint each, named after their URLs; templates in templates/<blueprint>/.

views.py ("web": /, /plan, /result, the personal plan), team_plans.py ("team": /team, a
roster's team plan), auth.py ("auth": /login, /logout), saved_teams.py ("teams": /teams),
my.py ("my": /my/<link>, a member's own page). create_app registers each.
"""

from __future__ import annotations

from .auth import bp as auth
from .my import bp as my
from .saved_teams import bp as teams
from .team_plans import bp as team_plans
from .views import bp as pages

__all__ = ["auth", "my", "pages", "team_plans", "teams"]
