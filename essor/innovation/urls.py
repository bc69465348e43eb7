from django.urls import path

from essor.innovation import views

app_name = "innovation"
urlpatterns = [
    path("", views.index, name="index"),
    path("autodiagnostic/innovation-sociale/", views.diagnosis, name="diagnosis"),
    path("autodiagnostic/ess-esus/", views.status, name="status"),
]
