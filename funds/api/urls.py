"""The funds endpoints, included under /api/v1/funds/ in the `api` namespace."""

from django.urls import path

from .views import FundsFollowUpView

urlpatterns = [path("follow-up/", FundsFollowUpView.as_view(), name="funds-follow-up")]
