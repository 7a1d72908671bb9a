from rest_framework.permissions import BasePermission, DjangoModelPermissions


class ModelPermissionsIncludingView(DjangoModelPermissions):
    """Django model permissions that also guard reads: listing customers needs ``view_customer``."""

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }


def permission_required(*perms: str) -> type[BasePermission]:
    """A permission class for an action guarded by its own permissions, such as ``invoicing.approve_invoice``."""

    class HasPermissions(BasePermission):
        def has_permission(self, request, view) -> bool:
            user = request.user
            return bool(user and user.is_authenticated and user.has_perms(perms))

    HasPermissions.__name__ = HasPermissions.__qualname__ = f"HasPermissions({', '.join(perms)})"
    return HasPermissions
