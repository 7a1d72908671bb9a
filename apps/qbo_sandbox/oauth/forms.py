from django import forms

from apps.qbo_sandbox.models import SandboxCompany


class SignInForm(forms.Form):
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}))
    password = forms.CharField(widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class CompanyChoiceForm(forms.Form):
    realm_id = forms.ChoiceField(label="Company")

    def __init__(self, *args, companies: list[SandboxCompany], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.companies = {company.realm_id: company for company in companies}
        self.fields["realm_id"].choices = [(company.realm_id, company.name) for company in companies]

    @property
    def company(self) -> SandboxCompany:
        return self.companies[self.cleaned_data["realm_id"]]
