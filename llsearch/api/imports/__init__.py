"""Bulk import of lessons over HTTP (`POST /api/lessons-learned/import`)."""
