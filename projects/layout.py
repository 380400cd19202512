"""A template's indicator categories as the filing page lays them out."""

from __future__ import annotations

from indicators.models import Level1Category


def category_levels(template_id: int) -> list[Level1Category]:
    """The template's 一级 categories with their 二级 children prefetched (two queries)."""
    return list(Level1Category.objects.filter(template_id=template_id).prefetch_related("children"))
