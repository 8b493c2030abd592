"""URL routes of this API area (its views live in api/views/): comments on documents."""

from django.urls import path

from api.views import comments

urlpatterns: list = [
    path("documents/<int:pk>/comments/", comments.CommentListView.as_view(), name="comment-list"),
    path("documents/<int:pk>/comments/<int:comment_id>/", comments.CommentDetailView.as_view(), name="comment-detail"),
]
