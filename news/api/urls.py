from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("feeds", views.FeedViewSet, basename="feed")
urlpatterns = router.urls
