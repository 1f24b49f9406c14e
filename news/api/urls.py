from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("feeds", views.FeedViewSet, basename="feed")
router.register("articles", views.ArticleViewSet, basename="article")
urlpatterns = router.urls
