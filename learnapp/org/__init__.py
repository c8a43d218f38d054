"""The organisation tree: committee → general branches → branches (the Branch model and reads on
the tree). It imports no other domain: people belong to branches (accounts), and the tree's
administration, which checks permissions and counts people, is learnapp.org_admin."""
