import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from essor.calls.reminders import send_due_reminders


class Command(BaseCommand):
    help = (
        "E-mails each beneficiary the unpaid payments and missing reports of their grants that are "
        "due within --days days or overdue, at most once every --every days per item."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7)
        parser.add_argument("--every", type=int, default=7)
        parser.add_argument("--today", type=datetime.date.fromisoformat, default=None)

    def handle(self, *args, days, every, today, **options):
        today = today or timezone.localdate()
        grants = send_due_reminders(
            today, days=days, every=every, source="command:send_grant_reminders"
        )
        for grant in grants:
            self.stdout.write(f"reminded grant={grant.pk} to={grant.application.applicant.email}")
        self.stdout.write(f"date={today.isoformat()} grants_reminded={len(grants)}")
