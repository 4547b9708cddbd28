"""Plans sent to a manager (issue 21): an employee's request from /result, the manager's
approval into a team, decline or question, each step mailed and kept (flow.py)."""
