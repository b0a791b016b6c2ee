"""Any Apprise URL: ntfy, Gotify, Matrix, Signal, Telegram, Pushover, webhooks, …"""

from collections import OrderedDict

import apprise

from notify import crypto, outbound
from notify.messages import Message
from notify.transports.base import Transport, TransportError

# Plugins that act on the server's own desktop or logs, not on a person's
# device: they would "succeed" without reaching anyone.
LOCAL_SCHEMES = frozenset(
    {"dbus", "kde", "qt", "glib", "gnome", "macosx", "windows", "syslog", "rsyslog"}
)


def check_url(url: str) -> str | None:
    """Returns why Apprise cannot use the URL, or None when it can."""
    scheme = url.partition("://")[0].lower()
    if not scheme or scheme in LOCAL_SCHEMES:
        return "Use the URL of a service that reaches your phone or inbox."
    parsed = apprise.Apprise()
    if not parsed.add(url):
        return "Apprise does not recognise this URL. Check it against its docs."
    for host in _hosts(parsed[0]):
        if reason := outbound.check_host(host):
            return reason
    return None


def _hosts(plugin) -> list[str]:
    """The hosts an Apprise plugin connects to that the URL names.

    Apprise's own parsing finds them: ``host`` where the plugin's URL has a
    host part (json://, gotify://, a self-hosted ntfy://host/topic, matrix://,
    mailto://), and the SMTP server of an e-mail URL. Plugins with a fixed
    service (tgram://, ntfy's cloud topics) read their tokens from the host
    part; those are not hosts. The guard at send time checks every
    connection whatever this finds.
    """
    hosts = []
    if "host" in plugin.template_tokens and getattr(plugin, "mode", None) != "cloud":
        hosts.append(plugin.host)
    if smtp_host := getattr(plugin, "smtp_host", None):
        hosts.append(smtp_host)
    return [host for host in hosts if host]


# Parsed senders, by channel and its encrypted address: a worker delivering a
# burst of reminders parses and decrypts each address once, not per message
# (that was most of the time per delivery). A changed address has another
# ciphertext, so it is never served from a stale entry.
_SENDERS: OrderedDict[tuple[int, str], apprise.Apprise] = OrderedDict()
_SENDERS_MAX = 512


def _sender(channel) -> apprise.Apprise:
    key = (channel.pk, channel.secret_token)
    sender = _SENDERS.get(key)
    if sender is not None:
        _SENDERS.move_to_end(key)
        return sender
    try:
        url = channel.secret
    except crypto.Unreadable as e:
        raise TransportError(str(e), permanent=True) from e
    scheme = url.partition("://")[0].lower()
    # service_timeout=0: the call runs in this thread. With a service or call
    # timeout, Apprise hands every call to a thread pool and waits for it; each
    # service's own socket timeouts (connect and read, 4 s each by default)
    # bound the call here instead.
    asset = apprise.AppriseAsset(async_mode=False, service_timeout=0)
    sender = apprise.Apprise(asset=asset)
    if scheme in LOCAL_SCHEMES or not sender.add(url):
        raise TransportError(
            "Apprise cannot use this URL (any more). Add it again.", permanent=True
        )
    _SENDERS[key] = sender
    if len(_SENDERS) > _SENDERS_MAX:
        _SENDERS.popitem(last=False)
    return sender


class AppriseTransport(Transport):
    kind = "apprise"

    def send(self, message: Message) -> None:
        sender = _sender(self.channel)
        with outbound.guarded() as refusals:
            result = sender.notify(
                body=f"{message.body}\n{message.url}",
                title=message.title,
                notify_type=apprise.NotifyType.WARNING
                if message.urgent
                else apprise.NotifyType.INFO,
            )
        if refusals:
            raise TransportError(refusals[0], permanent=True)
        if not bool(result):
            errors = [
                entry.message
                for entry in result.logs()
                if entry.level in ("WARNING", "ERROR")
            ]
            raise TransportError(
                errors[-1] if errors else "The service did not accept the message."
            )
