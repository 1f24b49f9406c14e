"""Feeds over the REST API: added by URL, polled on request, with their health. The articles' endpoint
(mentions, suggestions, the review transitions) is review's: review/api/."""
