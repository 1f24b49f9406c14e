"""Settings of the API benchmark's server: the project's own, on the benchmark database, with the bench URLs.

Everything comes from tracker/settings.py (middleware, authentication, permissions, pagination,
renderers, persistent connections, ATOMIC_REQUESTS) except:
- DATABASE_URL: the benchmark database (BENCH_API_DATABASE_URL), whatever DATABASE_URL says;
- ROOT_URLCONF: bench/api/urls.py (the project's URLs plus /bench/drf/ and /bench/floor/);
- DEBUG off (it would keep every query in memory);
- throttling off, since one token sends thousands of requests a second (BENCH_API_THROTTLE=1 keeps the
  project's throttle classes, at a rate no run reaches, so their cost is measured too);
- logging at WARNING.
"""

import os
import secrets

from bench.api.env import DATABASE_URL

os.environ["DATABASE_URL"] = DATABASE_URL
os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "bench-" + secrets.token_hex(16))
os.environ.setdefault("STATIC_STORAGE", "django.contrib.staticfiles.storage.StaticFilesStorage")

from tracker.settings import *  # noqa: E402, F403
from tracker.settings import LOGGING, REST_FRAMEWORK  # noqa: E402

ROOT_URLCONF = "bench.api.urls"
DEBUG = False

if os.environ.get("BENCH_API_THROTTLE") == "1":
    REST_FRAMEWORK = {
        **REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "token": "1000000/s",
            "address": "1000000/s",
        },
    }
else:
    REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}

LOGGING = {**LOGGING, "root": {**LOGGING["root"], "level": os.environ.get("LOG_LEVEL", "WARNING")}}
