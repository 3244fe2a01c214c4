"""`fieldapp tiles rebuild` queues a job per dataset; the worker's rebuild recounts the map aggregates from the records.

The job is run here in-process with the worker's own function (tests/integration/test_export_jobs.py's run_job);
`fieldapp jobs cancel` cancels a queued one.
"""

from __future__ import annotations

from sqlalchemy import text

from fieldapp.transfer import jobs
from tests.factories import feature
from tests.integration.test_export_jobs import claim

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[-2.2, 49.2], [-2.19, 49.2], [-2.19, 49.21], [-2.2, 49.21], [-2.2, 49.2]]],
}


def _aggregates(db, dataset_id: int):
    cells = db.execute(
        text("SELECT level, cx, cy, n FROM map_cell WHERE dataset_id = :d ORDER BY 1, 2, 3"), {"d": dataset_id}
    ).all()
    state = db.execute(
        text("SELECT version, points, lines, areas FROM map_dataset_state WHERE dataset_id = :d"), {"d": dataset_id}
    ).one()
    return cells, state


def test_a_rebuild_job_restores_the_aggregates_the_triggers_keep(app, client, db, steward, dataset):
    for lon in (-2.21, -2.12, -2.05):
        body = feature(dataset.slug, {"type": "Point", "coordinates": [lon, 49.2]})
        assert client.post("/api/v1/observations", json=body, headers=steward.headers).status_code == 201
    assert (
        client.post("/api/v1/observations", json=feature(dataset.slug, SQUARE), headers=steward.headers).status_code
        == 201
    )
    cells, state = _aggregates(db, dataset.id)
    per_level = {level: sum(c.n for c in cells if c.level == level) for level in {c.level for c in cells}}
    assert per_level == {5: 3, 8: 3, 11: 3, 14: 3, 17: 3} and state.points == 3 and state.areas == 1
    # Work that went around the triggers left the aggregates wrong.
    db.execute(text("DELETE FROM map_cell WHERE dataset_id = :d AND level > 5"), {"d": dataset.id})
    db.execute(text("UPDATE map_dataset_state SET points = 99 WHERE dataset_id = :d"), {"d": dataset.id})
    db.commit()

    with app.app_context():  # as the `fieldapp` command group gives every command
        queued = app.test_cli_runner().invoke(args=["tiles", "rebuild", "--dataset", dataset.slug])
    assert queued.exit_code == 0, queued.output
    job_id, slug = queued.output.split()
    assert slug == dataset.slug and jobs.get_job(db, job_id).kind == "tiles"
    assert claim(app, db, job_id, "tiles")
    job = jobs.get_job(db, job_id)
    assert job.status == "succeeded" and job.rows_read == 3
    rebuilt, after = _aggregates(db, dataset.id)
    assert rebuilt == cells
    assert (after.points, after.lines, after.areas) == (3, 0, 1) and after.version > state.version


def test_unknown_datasets_are_named_and_a_queued_job_can_be_cancelled(app, db, dataset):
    runner = app.test_cli_runner()
    with app.app_context():  # as the `fieldapp` command group gives every command
        refused = runner.invoke(args=["tiles", "rebuild", "--dataset", "no-such-place", "--dataset", dataset.slug])
        assert refused.exit_code != 0 and "no-such-place" in refused.output
        job_id = runner.invoke(args=["tiles", "rebuild", "--dataset", dataset.slug]).output.split()[0]
        cancelled = runner.invoke(args=["jobs", "cancel", job_id])
        assert cancelled.exit_code == 0 and "cancelled" in cancelled.output, cancelled.output
        assert jobs.get_job(db, job_id).status == "cancelled"
        again = runner.invoke(args=["jobs", "cancel", job_id])
        assert again.exit_code != 0 and "No queued or running job" in again.output
