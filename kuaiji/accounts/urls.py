from django.conf import settings
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.home, name="home"),
    path("register/", views.register, name="register"),
    path("register/photo/", views.register_photo, name="register_photo"),
    path("register/photo/check/", views.register_photo_check, name="register_photo_check"),
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("staff/sign-in/", views.staff_sign_in, name="staff_sign_in"),
    path("staff/sign-in/verify/", views.staff_verify, name="staff_verify"),
    path("password/reset/", views.reset_password, name="reset_password"),
    path("account/", views.account, name="account"),
    path("account/identity-photos/<uuid:photo_uuid>/", views.identity_photo, name="identity_photo"),
    path("activate/", views.activate, name="activate"),
    path("appeals/new/", views.appeal, name="appeal"),
    path("appeals/lookup/", views.appeal_lookup, name="appeal_lookup"),
    path("appeals/<uuid:appeal_uuid>/", views.appeal_status, name="appeal_status"),
    path("agreement/", views.agreement, name="agreement"),
    path("support/sms/", views.sms_log, name="sms_log"),
    path("support/sms/<uuid:delivery_uuid>/resend/", views.sms_resend, name="sms_resend"),
    path("sms/delivery-reports/", views.sms_delivery_reports, name="sms_delivery_reports"),
]

if settings.KUAIJI_SMS_OUTBOX_PAGE:
    # Demo and test modes only: in production the page is not even routed.
    urlpatterns.append(path("sms-outbox/", views.sms_outbox, name="sms_outbox"))
