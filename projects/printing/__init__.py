"""The printable 二级项目支出绩效目标申报表: HTML in the official layout, PDF by WeasyPrint.

``form`` turns a project into the template's context, ``paging`` cuts its indicator table into
blocks that keep their labels across page breaks, ``engine`` turns HTML into PDF in a pool of
worker processes (``document`` reads each form the quick way), ``bundle`` merges and zips,
``cache`` keeps the PDFs of unchanged forms, and ``chromium`` prints the same HTML with headless
Chromium for the benchmark. ``engine``, ``document`` and ``bundle`` import nothing from Django
so that the worker processes start light.
"""
