"""The forms of other provinces (samples/provinces, also in the demo) and what they hold."""

from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[2] / "samples" / "provinces"
GANSU = FIXTURES / "gansu_jiayuguan_2023.txt"  # 甘肃 2023: 成本 as a 一级指标, fields of its own
SICHUAN = FIXTURES / "sichuan_jingyan_2023.txt"  # 四川 2023: the target split over columns, weights
HUNAN = FIXTURES / "hunan_yueyang_2022.txt"  # 岳阳县 2022: a layout no template describes

# The header fields 甘肃's layout adds, as its form fills them, in the form's order.
GANSU_EXTRA_FIELDS = {
    "资金用途": "业务类项目",
    "项目开始日期": "2023-01-01",
    "项目完成日期": "2023-12-31",
    "中央补助安排": "0",
    "省级财政安排": "0",
    "其他资金": "20万元",
    "资金性质": "一般公共预算",
    "基本情况": "保障博物馆正常运转",
    "项目立项必要性": "保障各项业务正常运行",
    "保证项目实施的制度措施": "博物馆绩效考核",
    "项目实施计划": "",
    "组织实施单位": "甘肃省文物局",
    "监督管理单位": "嘉峪关文旅局",
    "其他依据": "",
    "需要说明的其他问题": "",
}
# What the stored 甘肃 filing keeps besides: the 一级项目 its form names, not filed (so not linked) yet.
GANSU_KEPT_FIELDS = {**GANSU_EXTRA_FIELDS, "一级项目名称（未关联）": "文化事业发展专项资金"}
SICHUAN_HEADINGS = ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "权重", "指标方向性"]
