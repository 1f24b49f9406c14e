"""`manage.py create_demo_users`: one demo login per role, created once and shown again on every run."""

import json
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from tracker.roles import ROLES
from tracker.services import user_set_password, user_set_role


class Command(BaseCommand):
    help = (
        "Create one demo login per role (username = role) if it does not exist, and print the logins. "
        "Passwords are generated once and kept in DEMO_LOGINS_FILE (local demos only); an existing user is "
        "never changed unless --reset-passwords is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-passwords", action="store_true", help="Give every demo login a new password (and print it)."
        )

    def handle(self, *args, reset_passwords: bool, **options):
        path = Path(settings.DEMO_LOGINS_FILE)
        saved = json.loads(path.read_text()) if path.exists() else {}
        users = get_user_model().objects.in_bulk(ROLES, field_name="username")
        for role in ROLES:
            user = users.get(role)
            if user is None:
                saved[role] = secrets.token_urlsafe(9)
                user_set_role(username=role, role=role, password=saved[role])
            elif reset_passwords:
                saved[role] = secrets.token_urlsafe(9)
                user_set_password(user=user, password=saved[role])
        path.write_text(json.dumps(saved, indent=2))
        os.chmod(path, 0o600)

        self.stdout.write(f"Demo logins (kept in {path}; `manage.py create_demo_users --reset-passwords` renews them):")
        users = get_user_model().objects.in_bulk(ROLES, field_name="username")
        for role in ROLES:
            password = saved.get(role)
            if not password or not users[role].check_password(password):
                password = "(changed since it was created)"  # noqa: S105 - a note, not a password
            self.stdout.write(f"  {role:<14} username: {role:<14} password: {password}")
