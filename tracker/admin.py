"""The audit log in the admin: read-only, for administrators (the only role with `view_auditevent`)."""

from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "kind", "username", "actor", "ip_address", "detail"]
    list_filter = ["kind", ("at", admin.DateFieldListFilter)]
    search_fields = ["username", "ip_address", "detail"]
    list_select_related = ["actor"]
    ordering = ["-at", "-id"]
    show_full_result_count = False
    fields = list_display + ["user"]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
