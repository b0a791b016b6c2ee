import pytest

from notify.tests.receivers import HttpReceiver, PushSubscriber, SmtpReceiver


@pytest.fixture
def allow_private_outbound(settings):
    """The real receivers below listen on 127.0.0.1, which channels may not
    reach by default (notify/outbound.py): these tests allow it, as a home
    server's operator would."""
    settings.INSTEP_ALLOW_PRIVATE_OUTBOUND = True


@pytest.fixture
def json_receiver(allow_private_outbound):
    receiver = HttpReceiver().start()
    yield receiver
    receiver.stop()


@pytest.fixture
def push_service(allow_private_outbound):
    """A local push service: pywebpush POSTs the encrypted payload here."""
    receiver = HttpReceiver().start()
    yield receiver
    receiver.stop()


@pytest.fixture
def push_subscriber(push_service):
    return PushSubscriber(
        endpoint=f"http://127.0.0.1:{push_service.port}/push/device-1"
    )


@pytest.fixture
def smtp_receiver(settings):
    """A real SMTP server; Instep's own mail settings point at it."""
    receiver = SmtpReceiver().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", receiver.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield receiver
    receiver.stop()
