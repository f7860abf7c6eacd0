from django.dispatch import Signal

# Sent (inside the transaction) when an account's password was reset or changed, so other apps can end
# what they keep for it — e.g. the API revokes the account's bearer tokens. Argument: ``user``.
password_changed = Signal()
