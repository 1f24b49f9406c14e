"""Actors over the REST API: /api/v1/actors/ with their aliases, identifiers and affiliations."""
