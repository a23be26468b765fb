"""Security: API keys, roles and the principal a request acts as."""
