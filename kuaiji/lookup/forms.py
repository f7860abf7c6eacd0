from kuaiji.accounts.forms import (
    DOCUMENT_NUMBER_HINT,
    ChineseCaptchaField,
    DocumentFieldsMixin,
    document_number_field,
    document_type_field,
    full_name_field,
)
from kuaiji.core.forms import KuaijiForm


class LookupForm(DocumentFieldsMixin, KuaijiForm):
    """The public lookup: the person's name and document, cleaned by the registration's validators, and
    the picture captcha."""

    full_name = full_name_field()
    document_type = document_type_field()
    document_number = document_number_field()
    captcha = ChineseCaptchaField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "full_name"
        ].help_text = "与被查询人员证件上的姓名一致，少数民族姓名中的间隔号“·”请照实填写"
        self.fields["document_number"].help_text = f"被查询人员的证件号码；{DOCUMENT_NUMBER_HINT}"
