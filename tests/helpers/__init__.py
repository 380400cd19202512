"""What tests share: the sample filings, people, filings built in the database, PDFs and workbooks read back.

Tests import from here, never from one another.
"""
