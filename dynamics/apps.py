from django.apps import AppConfig


class DynamicsConfig(AppConfig):
    name = "dynamics"
    verbose_name = "Dynamics"
