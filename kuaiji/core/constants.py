from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("居民身份证")
    HMT_RESIDENCE_PERMIT = "hmt_residence_permit", _("港澳台居民居住证")
    FOREIGN_PERMANENT_RESIDENT = "foreign_permanent_resident", _("外国人永久居留身份证")
    PASSPORT = "passport", _("护照")


class Sex(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")
