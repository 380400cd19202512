"""The printable 二级项目支出绩效目标申报表: HTML from the official layout, PDF by WeasyPrint.

``form`` turns a project into the template's context, ``engine`` turns HTML into PDF in a pool
of worker processes, ``bundle`` merges and zips, ``cache`` keeps the PDF of unchanged forms.
The engine and bundle modules import nothing from Django so that worker processes start light.
"""
