"""People, accounts, stages and role grants."""
