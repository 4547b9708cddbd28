"""The web pages, one blueprint each, named after their URLs; templates in templates/<blueprint>/.

views.py ("web": /, /plan, /result, the personal plan), team_plans.py ("team": /team, a
roster's team plan), auth.py ("auth": /login, /logout), saved_teams.py ("teams": /teams),
my.py ("my": /my/<link>, a member's own page), passwords.py ("passwords": /invitations/<secret>,
/password/forgot, /password/reset/<secret>), admin.py ("admin": /admin/users, /admin/audit),
requests.py ("requests": /unsubscribe/<token>, plans sent to a manager).
create_app registers each.
"""

from __future__ import annotations

from .admin import bp as admin
from .auth import bp as auth
from .my import bp as my
from .passwords import bp as passwords
from .requests import bp as requests
from .saved_teams import bp as teams
from .team_plans import bp as team_plans
from .views import bp as pages

__all__ = ["admin", "auth", "my", "pages", "passwords", "requests", "team_plans", "teams"]
