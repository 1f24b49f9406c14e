from django.apps import apps
from django.core.management.base import BaseCommand

from tracker.roles import ROLES, sync_roles


class Command(BaseCommand):
    help = "Create the role groups (viewer, analyst, editor, administrator) and reset their permissions."

    def handle(self, *args, **options):
        sync_roles(apps)
        self.stdout.write(f"Roles in sync: {', '.join(ROLES)}")
