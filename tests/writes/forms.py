"""The inputs the write-path tests send: an admin change page's form as shown, and a filing as text."""

from __future__ import annotations

from typing import Any

TEXT_CODE = "440306259999900000001"


def admin_form_data(client, url: str) -> dict[str, Any]:
    """The POST data of an admin change page as it shows: its form and every inline's forms."""
    page = client.get(url).context
    data = _form_data(page["adminform"].form)
    for inline in page["inline_admin_formsets"]:
        formset = inline.formset
        data.update(_form_data(formset.management_form))
        for inline_form in formset.forms:
            data.update(_form_data(inline_form))
    return data


def _form_data(form) -> dict[str, Any]:
    values = {name: form[name].value() for name in form.fields}
    return {form.add_prefix(name): value for name, value in values.items() if value is not False and value is not None}


def project_text(*, unit, name: str = "测试文本项目", code: str = TEXT_CODE, top_unit=None) -> str:
    """A 二级 form in the published text layout, of ``unit`` (under ``top_unit``, by default its parent
    or itself)."""
    top = top_unit or unit.parent or unit
    return f"""## 二级项目支出绩效目标申报表

项目编码:\t{code}\t项目名称:\t{name}\t
申请单位:\t{unit.name}\t一级预算单位:\t{top.name}\t
实施期限:\t1\t项目类型:\t15 其他经费\t
是否新增项目:\t否\t分配方式:\t项目法\t
项目总金额(中期规划,元):\t1,000,000.00\t本年度项目金额(元):\t1,000,000.00\t
政策依据:\t《深圳市测试办法》\t
测算依据:\t10 万元 × 10 项\t
年度目标:\t完成年度测试任务\t
长期目标(跨度多年的项目需填):\t持续完成测试任务\t
一级指标\t二级指标\t三级指标\t指标值\t指标解释
产出\t数量\t培训人次\t≥200人次\t考察培训人次
产出\t质量\t合格率\t≥95%\t考察合格率
产出\t时效\t完成时间\t2031年12月前\t考察完成时间
产出\t成本\t项目总成本\t≤100万元\t考察项目总成本
效益\t经济效益\t不适用\t不适用\t不适用
效益\t社会效益\t服务水平提升\t显著\t考察服务水平
效益\t生态效益\t不适用\t不适用\t不适用
效益\t可持续影响\t不适用\t不适用\t不适用
满意度\t服务对象满意度\t满意度\t≥90%\t考察满意度
满意度\t其他满意度\t不适用\t不适用\t不适用
"""
