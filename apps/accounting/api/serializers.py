from apps.accounting.models import Account, PaymentTerm, TaxRate
from apps.core.api.serializers import DivisionOwnedModelSerializer

TIMESTAMPS = ["created_at", "updated_at"]


class AccountSerializer(DivisionOwnedModelSerializer):
    class Meta:
        model = Account
        fields = ["id", "division", "name", "number", "account_type", "description", "active", *TIMESTAMPS]
        read_only_fields = TIMESTAMPS
        validators = []


class TaxRateSerializer(DivisionOwnedModelSerializer):
    class Meta:
        model = TaxRate
        fields = ["id", "division", "name", "percent", "agency", "active", *TIMESTAMPS]
        read_only_fields = TIMESTAMPS
        validators = []


class PaymentTermSerializer(DivisionOwnedModelSerializer):
    class Meta:
        model = PaymentTerm
        fields = ["id", "division", "name", "due_days", "active", *TIMESTAMPS]
        read_only_fields = TIMESTAMPS
        validators = []
