"""Feeds and articles over the REST API: feeds added by URL, articles with their mentions, suggestions
and duplicate links, and the review transitions (accept, reject, mark duplicate) for editors."""
