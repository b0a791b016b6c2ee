from django.apps import AppConfig


class DynamicsConfig(AppConfig):
    name = "dynamics"
    verbose_name = "Dynamics"

    def ready(self) -> None:
        # Models are loaded only now; accounts calls up through its hook.
        from accounts import hooks as account_hooks
        from dynamics import services

        account_hooks.account_erasing.register(services.leave_all)
