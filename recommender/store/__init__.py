"""Persistence of saved teams and accounts: models, named queries and changes, the db commands.

The store knows nothing above it: it imports only `db` from recommender.extensions, and raises
its own errors (errors.py), which the HTTP layer answers.
"""
