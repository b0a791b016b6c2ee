from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import erase_account


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "is_staff", "date_joined"]
    search_fields = ["email", "display_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["display_name", "time_zone", "locale", "discreet"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["email", "display_name", "password1", "password2"]}),
    ]

    # An operator deleting someone ends their dynamics as deleting one's own
    # account does: the partner is told by the ended dynamic and its audit trail.
    def delete_model(self, request, obj: User) -> None:
        erase_account(obj, now=timezone.now())

    @transaction.atomic
    def delete_queryset(self, request, queryset) -> None:
        for person in queryset:
            erase_account(person, now=timezone.now())
