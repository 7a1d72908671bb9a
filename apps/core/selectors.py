from apps.core.models import DEFAULT_DIVISION_SLUG, Division, division_default_id


def division_get_default() -> Division:
    """The division created at migrate; new records belong to it unless told otherwise."""
    return Division.objects.get(pk=division_default_id())


__all__ = ["DEFAULT_DIVISION_SLUG", "division_get_default"]
