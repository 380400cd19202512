import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group, User
from django.core.management import call_command

from projects import selectors
from projects.models import Filing, Role
from tests.helpers.samples import FILING_COUNT

pytestmark = pytest.mark.django_db


def test_the_three_role_groups_exist_after_migrating():
    assert set(Group.objects.values_list("name", flat=True)) >= {"填报人", "审核人", "管理员"}
    # 管理员 manages the filings of every kind on their admin pages, with their header (never deleted on
    # its own) and tasks, as it managed the projects before.
    managed = ("projectfiling", "programfiling", "overallfiling", "overalltask")
    needed = {f"{action}_{model}" for model in managed for action in ("add", "change", "delete", "view")}
    headers = ("projectheader", "programheader", "overallheader")
    needed |= {f"{action}_{model}" for model in headers for action in ("add", "change", "view")}
    held = set(Group.objects.get(name="管理员").permissions.values_list("codename", flat=True))
    assert needed - held == set()


def test_the_demo_loads_the_five_sample_files_and_the_other_provinces_forms_into_an_empty_database(
    empty_database, capsys
):
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "示例申报表：新建 100 张二级项目、2 张部门整体、7 张一级项目" in out
    assert "其他省份的申报表：新建 3 张二级项目" in out
    counts = {kind: Filing.objects.filter(kind=kind).count() for kind in ("project", "program", "overall")}
    assert counts == {"project": 103, "program": 7, "overall": 2}
    # Each in its own layout and the year its title prints.
    provinces = Filing.objects.exclude(template__code__startswith="sz-").order_by("template__code")
    assert [(f.template.code, f.fiscal_year) for f in provinces] == [("gs-2023", 2023), ("sc-2023", 2023)]
    assert Filing.objects.get(code="430621220000000000001").fiscal_year == 2022
    call_command("load_demo")  # a restart keeps what is there
    assert "已有申报表数据，跳过示例申报表导入" in capsys.readouterr().out
    assert Filing.objects.count() == FILING_COUNT + 3


def test_the_demo_has_one_account_per_role_with_the_readme_password(samples, capsys):
    call_command("load_demo")
    filer, reviewer, admin = _login("filer"), _login("reviewer"), _login("admin")
    assert list(filer.groups.values_list("name", flat=True)) == ["填报人"]
    assert list(reviewer.groups.values_list("name", flat=True)) == ["审核人"]
    assert admin.groups.filter(name="管理员").exists() and admin.is_superuser
    assert selectors.roles_of(filer) == {Role.FILER}
    baoan = Filing.objects.filter(department__name__startswith="深圳市宝安区")
    futian = Filing.objects.filter(department__name__contains="福田区")
    dapeng = Filing.objects.filter(department__name__contains="大鹏新区")
    # 宝安's 21 二级 forms and its 部门整体 form; 大鹏's 部门整体 form and 7 一级 forms.
    assert set(baoan.values_list("kind", flat=True)) == {"overall", "project"}
    assert set(selectors.filings_for(filer)) == set(baoan)
    assert selectors.filings_for(filer).count() == 22
    assert selectors.filings_for(filer, kind="project").count() == 21
    assert set(selectors.filings_for(reviewer, role=Role.REVIEWER)) == set(baoan) | set(futian) | set(dapeng)
    assert selectors.filings_for(reviewer, role=Role.REVIEWER).count() == 22 + 41 + 8
    call_command("load_demo")  # a second run changes nothing
    assert filer.assignments.count() == 1
    assert reviewer.assignments.count() == 3


def _login(username: str) -> User:
    """The demo account, logged in with the README's password."""
    user = authenticate(username=username, password="budgetperf-demo")
    assert isinstance(user, User), f"{username} cannot log in"
    return user
