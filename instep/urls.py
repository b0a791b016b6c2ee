from django.contrib import admin
from django.urls import include, path

from instep import views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("health/", views.health, name="health"),
    path("", include("dynamics.urls")),
    path("", include("agreements.urls")),
    path("", include("duties.urls")),
    path("", include("talk.urls")),
    path("", include("conduct.urls")),
    path("", include("insights.urls")),
    path("me/", include("accounts.urls")),
    path("", include("notify.urls")),
    path("", include("api.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]

# Requests Django cannot read get Instep's page (or JSON for the API).
handler400 = "instep.views.bad_request"
