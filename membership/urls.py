from django.urls import path

from .views import beacon, webhooks

app_name = "membership"

urlpatterns = [
    path("beacon/", beacon.beacon, name="beacon"),
    path("webhooks/stripe/", webhooks.stripe_webhook, name="stripe_webhook"),
    path("webhooks/patreon/", webhooks.patreon_webhook, name="patreon_webhook"),
]
