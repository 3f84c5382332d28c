"""The deploy gate: the roles a version needs, which sign-offs count, the assignment of
reviewers to roles, and the verdict."""
