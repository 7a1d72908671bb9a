"""
Users in the admin. An Owner manages staff by putting them in the role groups (``apps.core.roles``); only a
superuser grants superuser, staff status, other groups or individual permissions.

For anyone else, the form has no superuser, staff or permission fields (a forged POST naming them is ignored: Django
saves only the form's fields), the groups offered are the roles, every user they add is staff (all users of
FieldOffice are office staff who work in the admin), and a superuser's account (email, password, groups) cannot be
changed or deleted. API tokens follow the same line: a superuser's token is neither shown nor made by anyone else.
"""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from rest_framework.authtoken.admin import TokenAdmin as BaseTokenAdmin
from rest_framework.authtoken.models import TokenProxy

from apps.core.resources import ExportAdminMixin
from apps.core.roles import ROLES
from apps.users.models import User
from apps.users.resources import UserResource

ROLE_FIELDS_FOR_SUPERUSERS = ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]
ROLE_FIELDS_FOR_OWNERS = ["is_active", "groups"]


@admin.register(User)
class UserAdmin(ExportAdminMixin, BaseUserAdmin):
    resource_classes = [UserResource]
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Personal info", {"fields": ["first_name", "last_name"]}),
        ("Role", {"fields": ROLE_FIELDS_FOR_SUPERUSERS}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2", "is_staff", "groups"]}),
    ]
    owner_fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Personal info", {"fields": ["first_name", "last_name"]}),
        ("Role", {"fields": ROLE_FIELDS_FOR_OWNERS}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    owner_add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2", "groups"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        return self.owner_add_fieldsets if obj is None else self.owner_fieldsets

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.filter(name__in=ROLES).order_by("name")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._may_touch(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._may_touch(request, obj) and super().has_delete_permission(request, obj)

    @staticmethod
    def _may_touch(request, obj: User | None) -> bool:
        return obj is None or not obj.is_superuser or request.user.is_superuser

    def save_model(self, request, obj: User, form, change: bool) -> None:
        if not change and not request.user.is_superuser:
            # Every user of FieldOffice works in the admin, which lets in staff only.
            obj.is_staff = True
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change: bool) -> None:
        # Groups outside the roles were given by a superuser and are not on an Owner's form: keep them.
        kept = [] if request.user.is_superuser else list(form.instance.groups.exclude(name__in=ROLES))
        super().save_related(request, form, formsets, change)
        if kept:
            form.instance.groups.add(*kept)


if admin.site.is_registered(TokenProxy):
    admin.site.unregister(TokenProxy)


# How much of someone else's API key the token list shows: enough to tell the keys apart, not to use one.
KEY_END_SHOWN = 4


@admin.register(TokenProxy)
class TokenAdmin(BaseTokenAdmin):
    """
    DRF's API tokens. A key is a password: the list shows it whole only to its own user, and to others only its last
    characters; whoever makes a token for someone sees its key once, to hand it over. A superuser's token is theirs
    alone: others neither see it nor make one for them.
    """

    def get_list_display(self, request):
        @admin.display(description="key")
        def key(token) -> str:
            return token.key if token.user_id == request.user.pk else f"…{token.key[-KEY_END_SHOWN:]}"

        return (key, "user", "created")

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if not change and obj.user_id != request.user.pk:
            messages.info(
                request,
                f"The API key of {obj.user} is {obj.key}. Copy it now and hand it over: this list shows only its last "
                f"{KEY_END_SHOWN} characters to anyone but {obj.user}.",
            )

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.exclude(user__is_superuser=True)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user" and not request.user.is_superuser:
            kwargs["queryset"] = User.objects.filter(is_superuser=False)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
