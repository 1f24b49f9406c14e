"""Shared model pieces."""

from django.db import models


class TimeStampedModel(models.Model):
    """Every record says when it was created and last changed (mirrors sync on updated_at)."""

    created_at = models.DateTimeField(auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True, editable=False, db_index=True)

    class Meta:
        abstract = True
