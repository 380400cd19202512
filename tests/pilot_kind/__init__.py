"""A fourth kind of form that exists only in the tests: it shows that a kind's definition drives
the web form, the imports, the Excel template, the PDF and the history, with nothing else to change."""
