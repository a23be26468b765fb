"""Admin endpoints: snapshot backups and the archive of old months."""
