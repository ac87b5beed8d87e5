"""Core's background work: e-mail delivery (the task itself lives in mail.py, where it always has)."""

from . import jobs, mail

# Queued e-mails whose task was lost get a new one (they are never given up this way).
jobs.register(
    jobs.Job(
        task=mail.deliver_mail,
        argument="mail_id",
        pending=mail.queued_mail,
        orphaned=mail.requeue_mail,
    )
)
