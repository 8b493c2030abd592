"""URL routes of this API area (its views live in api/views/)."""

urlpatterns: list = []
