"""The HTTP plumbing under the views: hooks, error answers, sessions, bodies, downloads, serving."""
