"""Accounts: users and their passwords, API tokens, private links, the login throttle, sessions.

The rows are the store's (recommender.store.accounts); what makes a password or a token good,
and when a login is refused, is decided here.
"""
