from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API, export and import"

    def ready(self) -> None:
        from accounts.signals import credentials_revoked
        from api import services

        # Each app that owns data says what of it belongs in a person's export
        # in its own ``portability.py`` (see api/portability.py).
        autodiscover_modules("portability")
        # A new password or "sign out everywhere" ends every token too.
        credentials_revoked.connect(
            services.credentials_revoked, dispatch_uid="api.revoke_tokens"
        )
