from django.urls import path

from insights import views

app_name = "insights"
D = "d/<int:dynamic_id>"
urlpatterns = [
    path(f"{D}/insights/", views.overview, name="overview"),
]
