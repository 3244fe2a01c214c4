"""Notification digests sent by a worker job (`fieldapp notifications digest --queue`): each notification mailed once.

The job runs in-process with the worker's own function (tests/integration/test_export_jobs.py's claim)."""

from __future__ import annotations

from fieldapp.transfer import jobs
from tests.integration.test_accounts import cli
from tests.integration.test_export_jobs import claim
from tests.integration.test_notifications import _annotate, _record
from tests.integration.test_people import mail_app, smtp  # noqa: F401 (fixtures)


def _queued(app) -> str:
    result = cli(app, "notifications", "digest", "--queue")
    assert result.exit_code == 0, result.output
    return result.output.split()[1].rstrip(".")


def test_a_queued_digest_is_sent_by_the_worker_once(mail_app, db, make, smtp):  # noqa: F811
    inbox, _ = smtp
    client = mail_app.test_client()
    dataset = make.dataset(make.account(role="steward"))
    recorder = make.account()
    oid = _record(client, recorder, dataset)
    _annotate(client, make.account(name="Asker"), oid)
    job_id = _queued(mail_app)
    assert inbox.messages == []  # queued, not sent by the command
    assert claim(mail_app, db, job_id, "digest")
    job = jobs.get_job(db, job_id)
    assert job.status == "succeeded" and job.rows_read == 1 and job.report == {"sent": 1, "refused": []}
    [message] = inbox.messages
    assert message.rcpt_tos == [recorder.user.email]
    # A second digest finds nothing new to send.
    again = _queued(mail_app)
    assert claim(mail_app, db, again, "digest")
    assert jobs.get_job(db, again).rows_read == 0 and len(inbox.messages) == 1


def test_a_queued_digest_can_be_cancelled(mail_app, db):  # noqa: F811
    job_id = _queued(mail_app)
    cancelled = cli(mail_app, "jobs", "cancel", job_id)
    assert cancelled.exit_code == 0 and "cancelled" in cancelled.output
    assert jobs.get_job(db, job_id).status == "cancelled"
