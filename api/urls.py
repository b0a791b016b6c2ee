from django.urls import path

from api import views
from api.api import api

app_name = "api"
urlpatterns = [
    path("api/v1/", api.urls),
    path("me/api-tokens/", views.tokens, name="tokens"),
    path(
        "me/api-tokens/<int:token_id>/revoke/", views.revoke_token, name="revoke_token"
    ),
    path("me/export/", views.export, name="export"),
]
