"""URL routes of this API area (its views live in api/views/)."""

from django.urls import path

from api.views import effort, models

urlpatterns: list = [
    path("projects/<slug:slug>/models/", models.ModelListView.as_view(), name="model-list"),
    path("projects/<slug:slug>/models/effort/", effort.EffortCurveView.as_view(), name="model-effort"),
    path("projects/<slug:slug>/models/train/", models.TrainView.as_view(), name="model-train"),
    path("projects/<slug:slug>/models/training/", models.TrainingStateView.as_view(), name="model-training"),
    path("projects/<slug:slug>/models/rollback/", models.RollbackView.as_view(), name="model-rollback"),
    path("projects/<slug:slug>/models/<int:version>/promote/", models.PromoteView.as_view(), name="model-promote"),
    path("projects/<slug:slug>/models/<int:version>/help/", models.ModelHelpView.as_view(), name="model-help"),
    path("projects/<slug:slug>/predict/", models.PredictView.as_view(), name="model-predict"),
]
