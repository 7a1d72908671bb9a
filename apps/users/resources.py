"""The columns of the user export, for Owners (see ``apps.core.resources``). Passwords are never exported."""

from django.db.models import Prefetch
from import_export.fields import Field

from apps.core.resources import ExportResource
from apps.users.models import User


class UserResource(ExportResource):
    roles = Field(column_name="Roles")

    column_headers = {"email": "Email", "is_active": "Active"}
    export_prefetch_related = (Prefetch("groups", to_attr="export_groups"),)
    export_also_loads = ("is_superuser",)

    class Meta:
        model = User
        # A whitelist: a column added here is exported, anything else on the model (the password hash) never is.
        fields = ("email", "first_name", "last_name", "roles", "is_active", "last_login")

    def dehydrate_roles(self, user: User) -> str:
        """The role groups, "Owner, Office"; a superuser may do everything whatever their groups."""
        roles = sorted(group.name for group in user.export_groups)
        if user.is_superuser:
            roles.insert(0, "Superuser")
        return ", ".join(roles)
