"""The review queue over the REST API: articles with their mentions, suggestions and duplicate links, and the
review transitions (accept, reject, mark duplicate) for editors."""
