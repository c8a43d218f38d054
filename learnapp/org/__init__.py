"""The organisation tree: committee → general branches → branches."""
