"""One module per domain listing its pages for the permission matrix (tests/helpers/matrix.py)."""
