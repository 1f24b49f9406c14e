"""The REST API's shared pieces: authentication views, permissions, pagination, filters, errors, schema.

Each app's resources live in its own `api/` package (serializers, selectors, services, views, urls);
`tracker/api/urls.py` mounts them all under /api/v1/.
"""
