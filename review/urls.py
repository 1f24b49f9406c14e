"""The review workspace, under /review/."""

from django.urls import path

from .views import record_forms, workspace

app_name = "review"

urlpatterns = [
    path("", workspace.queue, name="queue"),
    path("articles/<int:pk>/", workspace.article, name="article"),
    path("articles/<int:pk>/accept/", workspace.accept, name="accept"),
    path("articles/<int:pk>/reject/", workspace.reject, name="reject"),
    path("articles/<int:pk>/duplicate/", workspace.duplicate, name="duplicate"),
    path("undo/", workspace.undo, name="undo"),
    path("bulk/", workspace.bulk, name="bulk"),
    # kind: meeting, position, figure, proposal-event, response
    path("articles/<int:pk>/record/<slug:kind>/", record_forms.record_form, name="record-form"),
]
