import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group
from django.core.management import call_command

from projects import selectors
from projects.models import Project, Role

pytestmark = pytest.mark.django_db


def test_the_three_role_groups_exist_after_migrating():
    assert set(Group.objects.values_list("name", flat=True)) >= {"填报人", "审核人", "管理员"}
    assert Group.objects.get(name="管理员").permissions.filter(codename="change_project").exists()


def test_the_demo_has_one_account_per_role_with_the_readme_password(capsys):
    call_command("load_demo")
    filer = authenticate(username="filer", password="budgetperf-demo")
    reviewer = authenticate(username="reviewer", password="budgetperf-demo")
    admin = authenticate(username="admin", password="budgetperf-demo")
    assert list(filer.groups.values_list("name", flat=True)) == ["填报人"]
    assert list(reviewer.groups.values_list("name", flat=True)) == ["审核人"]
    assert admin.groups.filter(name="管理员").exists() and admin.is_superuser
    assert selectors.roles_of(filer) == {Role.FILER}
    baoan = Project.objects.filter(applicant__name__startswith="深圳市宝安区").count()
    futian = Project.objects.filter(applicant__name__contains="福田区").count()
    assert selectors.projects_for(filer).count() == baoan == 21
    assert selectors.projects_for(reviewer, role=Role.REVIEWER).count() == baoan + futian == 62
    call_command("load_demo")  # a second run changes nothing
    assert filer.assignments.count() == 1
