from django.core.management.base import BaseCommand

from cityloom.mentoring.tasks import send_reminders_task


class Command(BaseCommand):
    help = "Queue the e-mail reminders of mentoring milestones due soon (run daily; idempotent)."

    def handle(self, *args, **options):
        result = send_reminders_task.enqueue()
        self.stdout.write(f"mentoring reminders: task {result.id} ({result.status})")
