"""Browser tests run on a phone-sized screen unless a test says otherwise."""

import pytest

from tests.browser.helpers import PHONE


def pytest_ignore_collect(collection_path, config):
    """Leaves the browser tests out of a run with ``-p no:playwright``."""
    if not config.pluginmanager.has_plugin("playwright"):
        return True
    return None


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE, "locale": "en-GB"}


@pytest.fixture(autouse=True)
def _static_from_finders(settings):
    """Serves static files under their plain names.

    live_server serves /static/ from the apps' folders (staticfiles finders),
    which know nothing of the hashed names that the manifest storage puts in
    pages; WhiteNoise never sees those requests.
    """
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture(autouse=True)
def _patient_but_not_forever(page):
    """Fails a missing element in 10 s instead of Playwright's 30 s."""
    page.set_default_timeout(10_000)


@pytest.fixture(autouse=True)
def _links_to_the_live_server(settings, live_server):
    """Links in e-mails point at the instance's address (INSTEP_BASE_URL):
    in a journey that is the live server."""
    settings.BASE_URL = live_server.url
