"""Budget units (预算单位) and who may act for them."""

from __future__ import annotations

import re
import unicodedata

from django.db import models
from simple_history.models import HistoricalRecords

_DISTRICT = re.compile(r"深圳市(.+?(?:特别合作区|新区|区))")


def normalise_unit_name(name: str) -> str:
    """One key per unit however it is written: （本级） and (本级) are the same unit."""
    return "".join(unicodedata.normalize("NFKC", name).split())


def district_of(unit_name: str) -> str:
    match = _DISTRICT.match(normalise_unit_name(unit_name))
    return match.group(1) if match else ""


class Department(models.Model):
    """A 预算单位; ``parent`` is its 一级预算单位 (None for a top-level unit).

    The hierarchy decides who sees what (an assignment covers the units directly under it), so it
    changes only by an administrator on the unit's admin page, with a history record naming who and
    when. An import creates the units it names, placing a new one under the 一级预算单位 it names,
    and never moves an existing one (``projects.services.imports``).
    """

    name = models.CharField("单位名称", max_length=200)
    normalised_name = models.CharField("规范名称", max_length=200, unique=True, editable=False)
    district = models.CharField("所属区", max_length=50, blank=True)
    # 一体化 systems write a unit with its code before its name (820001-井研县马踏镇人民政府).
    code = models.CharField("单位编码", max_length=20, blank=True)
    # The layout of this unit's 二级 forms when a form does not show its own (new forms, most imports).
    template = models.ForeignKey(
        "indicators.FormTemplate",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="二级项目表样",
        help_text="本单位新建二级项目申报表时使用的表样；为空时使用默认表样",
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name="一级预算单位"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "预算单位"
        ordering = ["district", "name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.normalised_name = normalise_unit_name(self.name)
        if not self.district:
            self.district = district_of(self.name)
        super().save(*args, **kwargs)

    def answers_to(self, normalised_name: str) -> bool:
        """Whether the unit of that (normalised) name is this unit or one above it: what a form may
        name as the unit's 一级预算单位 or 主管部门."""
        unit: Department | None = self
        seen = set()
        while unit is not None and unit.pk not in seen:
            if unit.normalised_name == normalised_name:
                return True
            seen.add(unit.pk)
            unit = unit.parent
        return False


class Role(models.TextChoices):
    FILER = "filer", "填报人"
    REVIEWER = "reviewer", "审核人"


class Assignment(models.Model):
    """Gives a user a role over one department and the units under it.

    The 管理员 group and superusers need no assignment: they see every department.
    """

    user = models.ForeignKey("auth.User", on_delete=models.CASCADE, related_name="assignments", verbose_name="用户")
    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="assignments", verbose_name="预算单位"
    )
    role = models.CharField("角色", max_length=10, choices=Role.choices)

    class Meta:
        verbose_name = verbose_name_plural = "单位授权"
        constraints = [models.UniqueConstraint(fields=["user", "department", "role"], name="unique_assignment")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.department}"
