"""The people of the workflow tests and their one password."""

from __future__ import annotations

import functools
from types import SimpleNamespace

TEST_PASSWORD = "pw-for-tests"


@functools.cache
def password_hash() -> str:
    """One hash for every test user: hashing per user would dominate the test run."""
    from django.contrib.auth.hashers import make_password

    return make_password(TEST_PASSWORD)


def make_people() -> SimpleNamespace:
    """An owner (填报人 of unit A), a colleague filing for unit B, an outsider with no role, the reviewers
    of A and of B, and a 管理员 who is not a superuser."""
    from django.contrib.auth.models import User

    from projects.models import Department, Role
    from projects.services.accounts import administrator_grant, assignment_grant

    unit_a = Department.objects.create(name="深圳市宝安区测试数据管理局（本级）")
    unit_a_child = Department.objects.create(name="深圳市宝安区测试服务中心", parent=unit_a)
    unit_b = Department.objects.create(name="深圳市福田区测试数据管理局（本级）")

    def person(username: str, full_name: str) -> User:
        return User.objects.create(username=username, password=password_hash(), first_name=full_name)

    owner, colleague, outsider = person("owner", "王填报"), person("colleague", "赵同事"), person("outsider", "钱路人")
    reviewer, other_reviewer = person("reviewer", "孙审核"), person("other_reviewer", "周审核")
    administrator = person("administrator", "吴管理")
    assignment_grant(user=owner, department=unit_a, role=Role.FILER)
    assignment_grant(user=colleague, department=unit_b, role=Role.FILER)
    assignment_grant(user=reviewer, department=unit_a, role=Role.REVIEWER)
    assignment_grant(user=other_reviewer, department=unit_b, role=Role.REVIEWER)
    administrator_grant(user=administrator)
    return SimpleNamespace(
        unit_a=unit_a,
        unit_a_child=unit_a_child,
        unit_b=unit_b,
        owner=owner,
        colleague=colleague,
        outsider=outsider,
        reviewer=reviewer,
        other_reviewer=other_reviewer,
        administrator=administrator,
    )
