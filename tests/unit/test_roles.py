"""Who may do what: the role table of CONTRACT §3, role by role and action by action."""

import pytest

from llsearch.security.principal import ANONYMOUS, Principal
from llsearch.security.roles import PERMISSIONS, Action, Role, allowed

EXPECTED = {
    Action.READ: {"reader", "psa", "council", "cqo", "admin"},
    Action.CREATE: {"psa", "council"},
    Action.UPDATE: {"psa", "council"},
    Action.IMPORT: {"psa", "council"},
    Action.APPROVE: {"psa", "cqo"},
    Action.DELETE: {"admin"},
    Action.MANAGE_KEYS: {"admin"},
    Action.AUDIT: {"admin"},
    Action.BACKUP: {"admin"},
    Action.ARCHIVE: {"admin"},
}


def test_roles_and_actions_are_lower_case_strings():
    assert [role.value for role in Role] == ["reader", "psa", "council", "cqo", "admin"]
    assert {action.value for action in Action} == {
        "read", "create", "update", "approve", "delete", "import", "manage_keys", "audit", "backup", "archive"
    }


def test_every_action_has_exactly_the_contract_roles():
    assert set(PERMISSIONS) == set(Action)
    assert {action: set(roles) for action, roles in PERMISSIONS.items()} == EXPECTED


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(Action))
def test_allowed_follows_the_table(role, action):
    assert allowed(role, action) is (role.value in EXPECTED[action])
    assert allowed(role.value, action.value) is (role.value in EXPECTED[action])


def test_unknown_or_missing_roles_are_never_allowed():
    assert not allowed(None, Action.READ)
    assert not allowed("superuser", Action.READ)
    assert not allowed(Role.ADMIN, "launch_rockets")


def test_the_anonymous_principal_has_no_key_and_no_role():
    assert ANONYMOUS.anonymous and ANONYMOUS.key_id is None and ANONYMOUS.role is None
    holder = Principal(key_id="0123456789abcdef", name="ci", role=Role.PSA)
    assert not holder.anonymous
    with pytest.raises(AttributeError):
        holder.role = Role.ADMIN
