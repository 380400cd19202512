"""Granting a user a role over a department: the assignment gives the scope, the group the role."""

from django.contrib.auth.models import Group, User
from django.db import transaction

from projects.models import Assignment, Department, Role
from projects.selectors import (
    ADMIN_GROUP,
    FILER_GROUP,
    REMEMBERED_ADMINISTRATOR,
    REMEMBERED_DEPARTMENTS,
    REVIEWER_GROUP,
)

# Keyed by str: a role arrives as the plain string a form or a command gives (Role members equal it).
GROUP_OF_ROLE: dict[str, str] = {Role.FILER: FILER_GROUP, Role.REVIEWER: REVIEWER_GROUP}


def role_group(role: str) -> Group:
    return Group.objects.get_or_create(name=GROUP_OF_ROLE[role])[0]


def assignment_grant(*, user: User, department: Department, role: str) -> Assignment:
    """Idempotent: the user files for (or reviews) ``department`` and the units directly under it."""
    with transaction.atomic():
        assignment, _ = Assignment.objects.get_or_create(user=user, department=department, role=role)
        user.groups.add(role_group(role))
    user.__dict__.pop(REMEMBERED_DEPARTMENTS, None)  # the units and roles remembered for the request
    return assignment


def administrator_grant(*, user: User) -> None:
    user.groups.add(Group.objects.get_or_create(name=ADMIN_GROUP)[0])
    user.__dict__.pop(REMEMBERED_ADMINISTRATOR, None)
