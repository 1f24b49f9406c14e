from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("tracks", views.TrackViewSet, basename="track")
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register("proposals", views.ProposalViewSet, basename="proposal")
router.register("proposal-events", views.ProposalEventViewSet, basename="proposal-event")
router.register("responses", views.ResponseViewSet, basename="response")
router.register("sticking-points", views.StickingPointViewSet, basename="sticking-point")
router.register("sticking-point-statuses", views.StatusChangeViewSet, basename="sticking-point-status")
router.register("positions", views.PositionViewSet, basename="position")
router.register("figures", views.FigureViewSet, basename="figure")
router.register("citations", views.CitationViewSet, basename="citation")
urlpatterns = router.urls
