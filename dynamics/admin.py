from django.contrib import admin

from dynamics.models import AuditEntry, Dynamic, Membership, Pause, Signal


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["user", "role", "joined_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(Dynamic)
class DynamicAdmin(admin.ModelAdmin):
    """Read-only: an operator may look, but every change goes through the services."""

    list_display = ["pk", "state", "created_at", "ended_at"]
    list_filter = ["state"]
    inlines = [MembershipInline]
    readonly_fields = [
        "name",
        "state",
        "leader_title",
        "follower_title",
        "created_at",
        "ended_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "dynamic", "actor_role", "act", "summary"]
    list_filter = ["act"]
    readonly_fields = ["dynamic", "actor", "actor_role", "act", "summary", "at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Pause, Signal)
class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
