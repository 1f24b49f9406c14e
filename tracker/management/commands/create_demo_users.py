import secrets

from django.core.management.base import BaseCommand

from tracker.roles import ROLES
from tracker.services import user_set_role


class Command(BaseCommand):
    help = "Create one demo login per role with a fresh password, and print the logins."

    def handle(self, *args, **options):
        self.stdout.write("Demo logins (new passwords on every run; for local demos only):")
        for role in ROLES:
            password = secrets.token_urlsafe(9)
            user_set_role(username=role, role=role, password=password)
            self.stdout.write(f"  {role:<14} username: {role:<14} password: {password}")
