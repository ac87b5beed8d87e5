from django.core.management.base import BaseCommand

from cityloom.projects.tasks import send_reminders_task


class Command(BaseCommand):
    help = (
        "Queue the e-mail reminders of project activities and deliverables coming soon "
        "(run daily or hourly; each reminder goes once per recipient)."
    )

    def handle(self, *args, **options):
        result = send_reminders_task.enqueue()
        self.stdout.write(f"project reminders: task {result.id} ({result.status})")
