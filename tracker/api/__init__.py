"""The REST API's shared pieces: authentication views, permissions, pagination, filters, errors, schema,
incremental sync (`sync.py`: `updated_since`, /api/v1/deletions/), conditional requests (`conditional.py`:
ETag, 304, If-Match) and streamed exports (`export.py`: `?format=csv`, `?format=json-stream`).

Each app's resources live in its own `api/` package (serializers, selectors, services, views, urls);
`tracker/api/urls.py` mounts them all under /api/v1/.
"""
