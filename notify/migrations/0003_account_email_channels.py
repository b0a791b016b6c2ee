"""Gives every person with a confirmed primary address their account e-mail
channel (new sign-ups get it when they confirm; see notify.receivers)."""

from django.db import migrations
from django.utils import timezone

from notify import crypto


def forwards(apps, schema_editor):
    EmailAddress = apps.get_model("account", "EmailAddress")
    Channel = apps.get_model("notify", "Channel")
    now = timezone.now()
    having = set(
        Channel.objects.filter(follows_account=True).values_list("user_id", flat=True)
    )
    for email in EmailAddress.objects.filter(verified=True, primary=True):
        if email.user_id in having:
            continue
        same = None
        for channel in Channel.objects.filter(user_id=email.user_id, kind="email"):
            try:
                if crypto.decrypt(channel.secret_token).casefold() == (
                    email.email.casefold()
                ):
                    same = channel
                    break
            except crypto.Unreadable:
                continue
        if same is not None:
            same.follows_account = True
            same.save(update_fields=["follows_account"])
            continue
        Channel.objects.create(
            user_id=email.user_id,
            kind="email",
            label="Account e-mail",
            secret_token=crypto.encrypt(email.email),
            masked=crypto.mask_email(email.email),
            created_at=now,
            follows_account=True,
        )


def backwards(apps, schema_editor):
    Channel = apps.get_model("notify", "Channel")
    Channel.objects.filter(follows_account=True, label="Account e-mail").delete()
    Channel.objects.filter(follows_account=True).update(follows_account=False)


class Migration(migrations.Migration):
    dependencies = [
        ("account", "0009_emailaddress_unique_primary_email"),
        ("notify", "0002_per_kind_levels_and_account_email"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
