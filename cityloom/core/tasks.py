"""Core's background work: e-mail delivery (the task itself lives in mail.py, where it always has)."""

from . import documents, jobs, mail

# Queued e-mails whose task was lost get a new one (they are never given up this way).
jobs.register(
    jobs.Job(
        task=mail.deliver_mail,
        argument="mail_id",
        pending=mail.queued_mail,
        orphaned=mail.requeue_mail,
    )
)

# A document build whose task was lost is failed; the next request for it builds it again.
jobs.register(
    jobs.Job(
        task=documents.build_document,
        argument="document_id",
        pending=documents.unfinished_documents,
        orphaned=documents.abandon_documents,
    )
)
