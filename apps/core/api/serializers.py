"""Serializer building blocks: the division field, model validation on save, and the error body of a refusal."""

from typing import Any

from rest_framework import serializers

from apps.core.models import Division, DivisionOwnedModel
from apps.core.selectors import division_get_default


class ErrorDetailSerializer(serializers.Serializer):
    """The body of a refused request (403, 404, 409): one plain sentence."""

    detail = serializers.CharField()


class DivisionSlugField(serializers.SlugRelatedField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("slug_field", "slug")
        kwargs.setdefault("queryset", Division.objects.all())
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", "The division's slug; the default division when left out.")
        super().__init__(**kwargs)


class CleanModelSerializer(serializers.ModelSerializer):
    """
    Saves through ``Model.full_clean()``: the model's own rules (``clean()``, case-insensitive unique names and other
    constraints) answer 400 with the model's messages instead of failing in the database.

    Serializers set ``Meta.validators = []``: uniqueness is the model's job, and DRF's own unique-together validators
    would otherwise make fields such as an invoice number required.
    """

    def create(self, validated_data: dict[str, Any]):
        instance = self.Meta.model(**validated_data)
        instance.full_clean()
        instance.save()
        return instance

    def update(self, instance, validated_data: dict[str, Any]):
        for name, value in validated_data.items():
            setattr(instance, name, value)
        instance.full_clean()
        instance.save()
        return instance


class DivisionOwnedModelSerializer(CleanModelSerializer):
    """
    A record of one division: ``division`` is written by slug (the default division when left out), cannot change
    afterwards, and every record it refers to must belong to the same division.
    """

    division = DivisionSlugField()

    def default_division(self, attrs: dict[str, Any]) -> Division:
        return division_get_default()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        if self.instance is None:
            division = attrs.get("division") or self.default_division(attrs)
        else:
            division = self.instance.division
            if "division" in attrs and attrs["division"].pk != division.pk:
                raise serializers.ValidationError(
                    {"division": "A record cannot move to another division; create it in that division instead."}
                )
        attrs["division"] = division
        errors = {
            name: other_division_message(value, division)
            for name, value in attrs.items()
            if isinstance(value, DivisionOwnedModel) and value.division_id != division.pk
        }
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


def other_division_message(record: DivisionOwnedModel, division: Division) -> str:
    kind = record._meta.verbose_name.capitalize()
    return f"{kind} “{record}” belongs to the {record.division} division, not to {division}."
