"""The account's e-mail address as a notification channel (allauth's signals).

Connected in ``NotifyConfig.ready``: a confirmed primary address becomes a
channel, and a change of the primary address moves that channel with it.
"""

from django.utils import timezone

from notify import services


def email_confirmed(sender, request, email_address, **kwargs) -> None:
    if email_address.primary or email_address.user.email == email_address.email:
        services.follow_account_email(
            email_address.user, email_address.email, create=True, now=timezone.now()
        )


def email_changed(sender, request, user, from_email_address, to_email_address, **kw):
    services.follow_account_email(
        user, to_email_address.email, create=False, now=timezone.now()
    )
