from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API, export and import"

    def ready(self) -> None:
        from accounts import hooks as accounts_hooks
        from api import services

        # Each app that owns data says what of it belongs in a person's export
        # in its own ``portability.py`` (see instep/archive.py).
        autodiscover_modules("portability")
        # A new password or "sign out everywhere" ends every token too.
        accounts_hooks.credentials_revoked.register(services.credentials_revoked)
