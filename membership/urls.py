from django.urls import path

from .views import beacon

app_name = "membership"

urlpatterns = [
    path("beacon/", beacon.beacon, name="beacon"),
]
