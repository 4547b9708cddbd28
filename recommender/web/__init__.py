"""The web pages, one blueprint each, named after their URLs; templates in templates/<blueprint>/.

views.py ("web": /, /plan, /result, the personal plan), team_plans.py ("team": /team, a
roster's team plan), auth.py ("auth": /login, /logout), sso.py ("sso": /login/sso and its
callback, single sign-on), saved_teams.py ("teams": /teams), members.py ("members":
/teams/<id>/members/..., a team's members and their progress),
my.py ("my": /my/<link>, a member's own page), passwords.py ("passwords": /invitations/<secret>,
/password/forgot, /password/reset/<secret>), admin.py ("admin": /admin/users, /admin/audit),
sharing.py ("sharing": /teams/<id>/colleagues, who has a team), overview.py
("overview": /overview, every team the user may see), requests.py ("requests":
/requests..., /teams/<id>/budgets, /unsubscribe/<token>, plans sent to a manager).
create_app registers each.
"""

from __future__ import annotations

from .admin import bp as admin
from .auth import bp as auth
from .members import bp as members
from .my import bp as my
from .overview import bp as overview
from .passwords import bp as passwords
from .requests import bp as requests
from .saved_teams import bp as teams
from .sharing import bp as sharing
from .sso import bp as sso
from .team_plans import bp as team_plans
from .views import bp as pages

__all__ = [
    "admin",
    "auth",
    "members",
    "my",
    "overview",
    "pages",
    "passwords",
    "requests",
    "sharing",
    "sso",
    "team_plans",
    "teams",
]
