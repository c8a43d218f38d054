"""Modules the tests share: factories, builders of a domain's data, SQL counters and listeners,
the permission matrix's pages and the browser journeys' server and flows. Nothing here is collected
as a test; tests import from here and never from one another (tests/test_test_tree.py)."""
