"""The upload form of the "Import from Excel" page."""

from django import forms

from apps.core.models import Division
from apps.core.selectors import division_get_default
from apps.imports.kinds import KINDS, kind_get

XLSX_TYPES = ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="What to import",
        choices=[(kind.key, kind.label) for kind in KINDS.values()],
        widget=forms.RadioSelect,
    )
    division = forms.ModelChoiceField(
        queryset=Division.objects.all(), empty_label=None, help_text="The division the records belong to."
    )
    file = forms.FileField(
        label="Workbook (.xlsx)",
        widget=forms.ClearableFileInput(attrs={"accept": XLSX_TYPES}),
        help_text="Start from the template of what you import.",
    )
    archive = forms.FileField(
        label="Zip of files",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
        help_text="Customer attachments only: a .zip holding the files the workbook lists.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["division"].initial = division_get_default()

    def clean(self) -> dict:
        cleaned = super().clean()
        kind_key = cleaned.get("kind")
        if kind_key and kind_get(kind_key).needs_archive and not cleaned.get("archive"):
            self.add_error("archive", "Upload the zip that holds the files together with the workbook.")
        return cleaned
