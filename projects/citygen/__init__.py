"""A generated city of filings for measuring pages at scale (``manage.py generate_city``).

``names`` holds the districts and the words unit names are made of, ``shapes`` reads the sample
filings the generated ones copy, ``plan`` lays out the units and accounts, ``filings`` builds one
district's filings of one year, ``tables`` writes rows in bulk (COPY on PostgreSQL) and ``city``
runs it all.
"""
