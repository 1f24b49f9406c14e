"""The API's article filters are the workspace's (review/filters.py)."""

from review.filters import ARTICLE_TEXT, ArticleFilter

__all__ = ["ARTICLE_TEXT", "ArticleFilter"]
