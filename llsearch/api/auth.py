"""Bearer API-key authentication and role checks for views, and their OpenAPI documentation."""

from __future__ import annotations

from functools import wraps

from typing import Callable

from flask import current_app, g, request
from flask_smorest import Api, Blueprint, abort
from flask_smorest.error_handler import ErrorSchema

from llsearch.api.auditing import record_denied
from llsearch.runtime import current_runtime
from llsearch.security.apikeys import ApiKeyStore
from llsearch.security.principal import ANONYMOUS, Principal
from llsearch.security.roles import PERMISSIONS, Action, Role, allowed

STORE_EXTENSION = "llsearch_apikeys"
SECURITY_SCHEME = "bearerAuth"
REALM = 'Bearer realm="llsearch"'
MAX_HEADER_LENGTH = 512  # a key is 85 characters; anything far longer is not worth parsing


def api_key_store() -> ApiKeyStore:
    """The current app's key store, built on first use from its Runtime."""
    store = current_app.extensions.get(STORE_EXTENSION)
    if store is None:
        runtime = current_runtime()
        store = ApiKeyStore.from_settings(runtime.engine, runtime.settings)
        current_app.extensions[STORE_EXTENSION] = store
    return store


def _unauthorized(message: str, error: str | None = None):
    challenge = f'{REALM}, error="{error}"' if error else REALM
    record_denied(401, message)
    abort(401, message=message, headers={"WWW-Authenticate": challenge})


def authorize(action: Action) -> Principal:
    """Authenticate the request's bearer key and check its role may take `action`.

    No header: 401, or the anonymous principal for READ when `anonymous_read` is on. A header that
    is present but malformed, unknown or revoked is always 401. A valid key of the wrong role: 403.
    The principal is also left on `flask.g.principal`.
    """
    header = request.headers.get("Authorization", "").strip()
    if not header:
        if action == Action.READ and current_runtime().settings.anonymous_read:
            g.principal = ANONYMOUS
            return ANONYMOUS
        _unauthorized("an API key is required: send 'Authorization: Bearer <key>'")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(header) > MAX_HEADER_LENGTH:
        _unauthorized("the Authorization header must be 'Bearer <key>'", "invalid_request")
    principal = api_key_store().authenticate(token)
    if principal is None:
        _unauthorized("the API key is not valid: unknown, revoked or malformed", "invalid_token")
    if not allowed(principal.role, action):
        roles = ", ".join(sorted(PERMISSIONS[action]))
        g.principal = principal
        message = f"role {principal.role} may not {action}; allowed roles: {roles}"
        record_denied(403, message)
        abort(403, message=message)
    g.principal = principal
    return principal


def register_security_scheme(api: Api) -> None:
    """Declare the bearer scheme in the OpenAPI components (once per Api)."""
    if SECURITY_SCHEME in api.spec.components.security_schemes:
        return
    api.spec.components.security_scheme(SECURITY_SCHEME, {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "llk_<key id>_<secret>",
        "description": "An API key from `llsearch apikey create --name NAME --role ROLE`, sent as "
                       "`Authorization: Bearer <key>`. Reads may be open without a key when the "
                       "service runs with LLSEARCH_ANONYMOUS_READ=true.",
    })


def auth_responses(blp: Blueprint, action: Action) -> Callable:
    """Decorator documenting that a view needs a key allowed to take `action`: the bearer scheme,
    the roles (`x-llsearch-roles`), 401 and, when some role is refused, 403."""
    roles = sorted(PERMISSIONS[action])
    unauthorized = blp.alt_response(
        401, schema=ErrorSchema, description="No API key, or a malformed, unknown or revoked one",
        headers={"WWW-Authenticate": {"description": "The bearer challenge", "schema": {"type": "string"}}},
    )
    forbidden = blp.alt_response(403, schema=ErrorSchema, description=f"The key's role is not one of: {', '.join(roles)}")
    documented = blp.doc(security=[{SECURITY_SCHEME: []}], **{"x-llsearch-roles": roles})

    def decorator(view: Callable) -> Callable:
        view = unauthorized(documented(view))
        return view if set(roles) == set(Role) else forbidden(view)

    return decorator


def requires(blp: Blueprint, action: Action) -> Callable:
    """Enforce and document `action` on a view. Put it above `@blp.arguments`, so the key is
    checked before the body is parsed and an anonymous caller gets 401, not 422."""
    document = auth_responses(blp, action)

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args, **kwargs):
            authorize(action)
            return view(*args, **kwargs)

        return document(guarded)

    return decorator
