from django.core.management.base import BaseCommand

from cityloom.forum.tasks import send_digests_task


class Command(BaseCommand):
    help = (
        "Queue the daily forum digests (run once a day; each post reaches each subscriber once, "
        "even if the command runs twice)."
    )

    def handle(self, *args, **options):
        result = send_digests_task.enqueue()
        self.stdout.write(f"forum digests: task {result.id} ({result.status})")
