from rest_framework.permissions import DjangoModelPermissions


class ModelPermissionsIncludingView(DjangoModelPermissions):
    """Django model permissions that also guard reads: listing customers needs ``view_customer``."""

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }
