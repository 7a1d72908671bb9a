from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Staff accounts are created by an Owner in the admin; nobody signs themselves up."""

    def is_open_for_signup(self, request) -> bool:
        return False
