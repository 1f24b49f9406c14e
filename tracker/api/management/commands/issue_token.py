import datetime

from django.core.management.base import BaseCommand, CommandError

from tracker.api.services import token_issue
from tracker.roles import ROLES
from tracker.services import user_set_role


class Command(BaseCommand):
    help = (
        "Create (or reuse) a user holding ROLE and print a new API token for it, once. "
        "The token is stored only as a hash; it expires after --days days."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=ROLES)
        parser.add_argument("--days", type=int, default=None, help="Lifetime in days (default: API_TOKEN_TTL_DAYS).")

    def handle(self, *args, username: str, role: str, days: int | None, **options):
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1.")
        user = user_set_role(username=username, role=role)
        token, instance = token_issue(user=user, ttl=datetime.timedelta(days=days) if days else None)
        self.stderr.write(f"Token for {user.get_username()} ({role}), expires {instance.expiry:%Y-%m-%d %H:%M %Z}:")
        self.stdout.write(token)
