from django.core.management.base import BaseCommand

from cityloom.network.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the demo network (idempotent) and print the demo accounts."

    def handle(self, *args, **options):
        accounts = load_demo()
        self.stdout.write(f"Demo accounts (password: {DEMO_PASSWORD}):")
        for email, role in accounts.items():
            self.stdout.write(f"  {email:38} {role}")
