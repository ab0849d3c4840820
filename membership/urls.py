from django.urls import path

from . import views

app_name = "membership"

urlpatterns = [
    path("beacon/", views.beacon, name="beacon"),
]
