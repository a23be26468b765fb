"""The lesson resource: create, read, update, approve, delete, and one action item at a time."""
