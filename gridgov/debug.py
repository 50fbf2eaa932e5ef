"""What a debug page (DJANGO_DEBUG=1) and an error e-mail may show of the settings, the
environment and a traceback's variables."""

import re

from django.views.debug import SafeExceptionReporterFilter

# A URL that carries credentials (`redis://:secret@host`, `postgres://user:pw@db`) or names a
# broker, cache or database server at all: REDIS_URL, CELERY_BROKER_URL, DATABASE_URL,
# CACHES' LOCATION. Masked whole: its host and database number map the internal network too.
SERVER_URL = re.compile(r"\b(redis|rediss|amqp|amqps|postgres|postgresql|mysql|sqla\+\w+|sentinel)://\S*", re.I)
CREDENTIALS_URL = re.compile(r"\b[a-z][a-z0-9+.-]*://[^/\s:@]*:[^/\s@]*@\S*", re.I)


class GridGovExceptionReporterFilter(SafeExceptionReporterFilter):
    """Django's filter, plus: settings named for a broker, a server URL or a DSN are hidden,
    and any value holding a server URL or a URL with credentials is masked wherever it
    appears (settings, request META, a frame's local variables)."""

    hidden_settings = re.compile(
        "API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|BROKER|REDIS|DATABASE_URL|DSN|LOCATION", flags=re.I
    )

    def mask(self, value):
        if isinstance(value, str):
            text = str(value)  # a lazy string (a lazy object posing as str) is read as its text
            if SERVER_URL.search(text) or CREDENTIALS_URL.search(text):
                return self.cleansed_substitute
        return value

    def cleanse_setting(self, key, value):
        return self.mask(super().cleanse_setting(key, value))

    def get_traceback_frame_variables(self, request, tb_frame):
        return [(name, self.mask(value)) for name, value in super().get_traceback_frame_variables(request, tb_frame)]
