"""Pull-request reviews as sign-offs: the forge REST clients, their cache, the provider."""
