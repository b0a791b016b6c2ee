from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts import services

        user_logged_in.connect(
            services.signed_in, dispatch_uid="accounts.forget_unlock_failures"
        )
