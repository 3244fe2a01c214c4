"""Each access rule's Python predicate and its SQL twin agree on every viewer and record of a matrix."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text

from fieldapp import access
from fieldapp.access import ANONYMOUS, Viewer, viewer_of
from fieldapp.contributors.models import Contributor
from fieldapp.datasets.models import AccessGrant, DatasetAgreement
from fieldapp.observations.models import Observation
from fieldapp.projects.models import Project

POINT = "SRID=4326;POINT(-2.1542 49.1869)"
VISIBILITIES = ("public", "generalised", "private")


@pytest.fixture
def world(make, db):
    """Viewers of every standing, two datasets (stewarded directly, by a group), records in each."""
    people = {
        name: make.account(role=role, name=name)
        for name, role in [
            ("member", "member"),
            ("owner", "member"),
            ("facilitator", "member"),
            ("steward", "steward"),
            ("group_steward", "member"),
            ("staff", "staff"),
            ("admin", "admin"),
        ]
    }
    group = make.group("Shore wardens", [people["group_steward"]])
    direct = make.dataset(people["steward"])
    via_group = make.dataset(group)
    pseudonym = Contributor(display_name="Curlew", owner_user_id=people["owner"].user.id)
    db.add(pseudonym)
    db.flush()
    records = []
    for dataset in (direct, via_group):
        for visibility in VISIBILITIES:
            for credited, entered in [
                (people["owner"].user.contributor_id, people["facilitator"].user.id),
                (pseudonym.id, people["owner"].user.id),
            ]:
                records.append(_record(db, dataset.id, credited, entered, visibility))
    db.commit()
    viewers = {"anonymous": ANONYMOUS} | {name: viewer_of(a.user) for name, a in people.items()}
    contributors = [people["owner"].user.contributor_id, pseudonym.id, group.id]
    return viewers, records, [direct.id, via_group.id], contributors


def _record(db, dataset_id: int, contributor_id: int, entered_by: int, visibility: str) -> Observation:
    record = Observation(
        id=uuid.uuid4(),
        dataset_id=dataset_id,
        contributor_id=contributor_id,
        entered_by=entered_by,
        subject_text="spider crab",
        observed_start=datetime(2024, 5, 1, tzinfo=UTC),
        geom=POINT,
        visibility=visibility,
        licence="CC-BY-4.0",
    )
    db.add(record)
    db.flush()
    return record


def _sql(db, viewer: Viewer, expression: str, params: dict | None = None) -> bool:
    return bool(db.execute(text(f"SELECT {expression}"), access.viewer_params(viewer) | (params or {})).scalar())


def _on_record(db, viewer: Viewer, twin, record: Observation) -> bool:
    sql = f"SELECT {twin(viewer, 'o')} FROM observation o WHERE o.id = :id"
    return bool(db.execute(text(sql), access.viewer_params(viewer) | {"id": record.id}).scalar())


@pytest.mark.parametrize(
    ("predicate", "twin"),
    [
        (access.may_manage, access.manage_sql),
        (access.may_see_precise, access.precise_sql),
        (access.may_see_record, access.see_record_sql),
    ],
)
def test_record_rules_agree_with_their_sql(db, world, predicate, twin):
    viewers, records, _, _ = world
    for name, viewer in viewers.items():
        for record in records:
            python = predicate(db, viewer, record)
            assert python == _on_record(db, viewer, twin, record), (predicate.__name__, name, record.visibility)


def test_dataset_rules_agree_with_their_sql(db, world):
    viewers, _, datasets, _ = world
    for name, viewer in viewers.items():
        for dataset_id in datasets:
            params = {"dataset": dataset_id}
            assert access.stewards(db, viewer, dataset_id) == _sql(
                db, viewer, access.stewards_sql(viewer, ":dataset"), params
            ), name
            assert access.may_import(db, viewer, dataset_id) == _sql(
                db, viewer, access.import_sql(viewer, ":dataset"), params
            ), name
            in_set = dataset_id in access.stewarded_dataset_ids(db, viewer)
            assert in_set == access.stewards(db, viewer, dataset_id), name


def test_project_rules_agree_with_their_sql(db, world):
    """A project stewarded directly and one through a group: stewards_project and its twin agree."""
    viewers, _, _, _ = world
    steward = db.execute(text("SELECT steward_id FROM dataset WHERE id = :d"), {"d": world[2][0]}).scalar_one()
    group = db.execute(text("SELECT steward_id FROM dataset WHERE id = :d"), {"d": world[2][1]}).scalar_one()
    projects = []
    for i, steward_id in enumerate((steward, group)):
        project = Project(slug=f"p{i}", title="P", designed_by="both", delivered_by="both", steward_id=steward_id)
        db.add(project)
        db.flush()
        projects.append(project.id)
    expected = {
        "steward": [True, False],
        "group_steward": [False, True],
        "staff": [True, True],
        "admin": [True, True],
        "member": [False, False],
        "anonymous": [False, False],
    }
    for name, viewer in viewers.items():
        found = []
        for project_id in projects:
            twin = f"(SELECT {access.project_steward_sql(viewer, 'p')} FROM project p WHERE p.id = :project)"
            decided = access.stewards_project(db, viewer, project_id)
            assert decided == _sql(db, viewer, twin, {"project": project_id}), name
            found.append(decided)
        if name in expected:
            assert found == expected[name], name
        assert access.may_discuss(viewer) == (name != "anonymous")


def test_contributor_and_job_rules_agree_with_their_sql(db, world):
    viewers, _, _, contributors = world
    owner_user = viewers["owner"].user_id
    for name, viewer in viewers.items():
        for contributor_id in contributors:
            sql = access.speaks_for_sql(viewer, ":contributor")
            assert access.speaks_for(db, viewer, contributor_id) == _sql(
                db, viewer, sql, {"contributor": contributor_id}
            ), name
        job_twin = f"(SELECT {access.job_sql(viewer, 'j')} FROM (VALUES (CAST(:job_user AS integer))) AS j(user_id))"
        assert access.may_see_job(viewer, owner_user) == _sql(db, viewer, job_twin, {"job_user": owner_user}), name


def test_who_manages_what(db, world):
    """The rule itself: staff and admins everything; the contributor, whoever entered it, its stewards."""
    viewers, records, datasets, _ = world
    direct, via_group = datasets
    expected = {
        "anonymous": lambda r: False,
        "member": lambda r: False,
        "owner": lambda r: True,  # credited, or entered (under the pseudonym) by them
        "facilitator": lambda r: r.entered_by == viewers["facilitator"].user_id,
        "steward": lambda r: r.dataset_id == direct,
        "group_steward": lambda r: r.dataset_id == via_group,
        "staff": lambda r: True,
        "admin": lambda r: True,
    }
    for name, viewer in viewers.items():
        for record in records:
            assert access.may_manage(db, viewer, record) == expected[name](record), (name, record.visibility)
            seen = record.visibility != "private" or expected[name](record)
            assert access.may_see_record(db, viewer, record) == seen, (name, record.visibility)
            precise = record.visibility == "public" or expected[name](record)
            assert access.may_see_precise(db, viewer, record) == precise, (name, record.visibility)


def test_who_speaks_for_a_contributor(db, world):
    viewers, _, _, contributors = world
    own, pseudonym, group = contributors
    assert access.speaks_for(db, viewers["owner"], own)
    assert access.speaks_for(db, viewers["owner"], pseudonym)
    assert not access.speaks_for(db, viewers["group_steward"], group)
    assert not access.speaks_for(db, viewers["member"], pseudonym)
    assert not access.speaks_for(db, ANONYMOUS, own)
    assert access.speaks_for(db, viewers["staff"], pseudonym)


def test_credit_rule_agrees_with_its_sql(db, world):
    """Whom a viewer may credit: themselves, their own pseudonyms, a group they belong to (staff no more)."""
    viewers, _, _, contributors = world
    for name, viewer in viewers.items():
        for contributor_id in contributors:
            params = {"contributor": contributor_id}
            python = access.may_credit(db, viewer, contributor_id)
            assert python == _sql(db, viewer, access.credit_sql(viewer, ":contributor"), params), name
            # The same rule for an actor named by SQL (a history row's account) rather than the viewer.
            actor = access.actor_credit_sql(":contributor", ":viewer_user", ":viewer_contributor")
            assert python == (not viewer.is_anonymous and _sql(db, viewer, actor, params)), name


def test_who_may_credit_whom(db, world):
    viewers, _, _, contributors = world
    own, pseudonym, group = contributors
    assert access.may_credit(db, viewers["owner"], own) and access.may_credit(db, viewers["owner"], pseudonym)
    assert access.may_credit(db, viewers["group_steward"], group)
    assert not access.may_credit(db, viewers["member"], pseudonym)
    assert not access.may_credit(db, viewers["staff"], pseudonym) and not access.may_credit(db, viewers["staff"], group)
    assert not access.may_credit(db, ANONYMOUS, own)


def test_no_module_but_access_defines_a_who_may_rule():
    from fieldapp.config import PROJECT_ROOT

    rule = re.compile(r"^def (may_\w+|manages)\(", re.MULTILINE)
    offenders = {
        str(path.relative_to(PROJECT_ROOT)): rule.findall(path.read_text())
        for path in (PROJECT_ROOT / "fieldapp").rglob("*.py")
        if path.name != "access.py" and rule.search(path.read_text())
    }
    assert offenders == {}


# --- what holders share: agreements (audience, embargo) and withdrawal --------------------------

AUDIENCE_CASES = ("everyone", "members", "groups", "park")


@pytest.fixture
def agreements(make, db, world):
    """One dataset per audience, one under embargo, each with a record of every visibility, and a
    withdrawn record; people: an outsider, a member of the named group, the contributor, a steward."""
    viewers, _, _, _ = world
    people = {name: make.account(name=name) for name in ("contributor", "insider")}
    group = make.group("Fishers", [people["insider"]])
    steward = make.account(role="steward", name="agreement steward")
    datasets = {}
    for audience in AUDIENCE_CASES:
        datasets[audience] = make.dataset(steward)
        groups = [group.id] if audience == "groups" else []
        db.add(DatasetAgreement(dataset_id=datasets[audience].id, audience=audience, audience_groups=groups))
    datasets["embargo"] = make.dataset(steward)
    db.add(DatasetAgreement(dataset_id=datasets["embargo"].id, embargo_until=date(2027, 3, 1)))
    datasets["none"] = make.dataset(steward)
    db.flush()
    own = people["contributor"].user.contributor_id
    records = [_record(db, d.id, own, None, v) for d in datasets.values() for v in VISIBILITIES]
    withdrawn = _record(db, datasets["none"].id, own, None, "public")
    withdrawn.withdrawn_at = datetime(2026, 1, 1, tzinfo=UTC)
    records.append(withdrawn)
    # A scientist granted precise access: to the park-only dataset and the one without an agreement until
    # 2027-03-01, to the embargoed one (a grant never lifts an embargo), and once to the members' one (expired).
    scientist = make.account(name="scientist")
    for key, until in [("park", date(2027, 3, 1)), ("none", date(2027, 3, 1)), ("embargo", date(2028, 1, 1))]:
        db.add(_grant(datasets[key].id, scientist.user.id, until))
    db.add(_grant(datasets["members"].id, scientist.user.id, date(2026, 1, 1)))
    db.commit()
    viewers = viewers | {name: viewer_of(a.user) for name, a in people.items()} | {"steward2": viewer_of(steward.user)}
    return viewers | {"scientist": viewer_of(scientist.user)}, records, datasets


def _grant(dataset_id: int, user_id: int, until: date) -> AccessGrant:
    return AccessGrant(
        dataset_id=dataset_id, user_id=user_id, purpose="Bass nursery study", status="granted", expires_on=until
    )


def _move_clock(db, day: date) -> None:
    db.execute(text("SELECT set_config('fieldapp.today', :day, false)"), {"day": day.isoformat()})


@pytest.mark.parametrize("today", [date(2026, 11, 29), date(2027, 3, 1)])
def test_holders_rules_agree_with_their_sql(db, agreements, today):
    """is_shared, dataset_open and the record rules built on them agree with their SQL twins, before and
    on the day an embargo ends; the twins too when built for the viewer resolved (the closed datasets
    named by id, access.resolved)."""
    _move_clock(db, today)
    viewers, records, datasets = agreements
    resolved = {f"{name} (resolved)": access.resolved(db, viewer) for name, viewer in viewers.items()}
    assert any(v.closed for v in resolved.values())  # some agreement keeps some dataset from someone
    for name, viewer in (viewers | resolved).items():
        for record in records:
            assert access.is_shared(db, viewer, record) == _on_record(db, viewer, access.shared_sql, record), name
            for predicate, twin in [
                (access.may_see_record, access.see_record_sql),
                (access.may_see_precise, access.precise_sql),
                (access.sees_exact, access.exact_sql),
            ]:
                assert predicate(db, viewer, record) == _on_record(db, viewer, twin, record), (name, predicate)
        for key, dataset in datasets.items():
            sql = access.dataset_open_sql(viewer, ":dataset")
            python = access.dataset_open(db, viewer, dataset.id)
            assert python == _sql(db, viewer, sql, {"dataset": dataset.id}), (name, key)
            granted = access.granted_sql(viewer, ":dataset")
            assert access.has_grant(db, viewer, dataset.id) == _sql(db, viewer, granted, {"dataset": dataset.id})
    _move_clock(db, date.today())


def test_who_an_agreement_lets_see(db, agreements):
    """The rule itself: the audience decides, an embargo keeps everyone but stewards and staff out until
    its day, and the contributor always sees their own."""
    viewers, records, datasets = agreements
    expected = {
        "everyone": {"anonymous", "member", "insider", "contributor", "steward2", "staff"},
        "members": {"member", "insider", "contributor", "steward2", "staff"},
        "groups": {"insider", "contributor", "steward2", "staff"},
        "park": {"contributor", "steward2", "staff", "admin"},
        "none": {"anonymous", "member", "insider", "contributor", "steward2", "staff"},
    }
    _move_clock(db, date(2027, 2, 28))
    for audience, allowed in expected.items():
        record = next(r for r in records if r.dataset_id == datasets[audience].id and r.visibility == "public")
        for name in ("anonymous", "member", "insider", "contributor", "steward2", "staff"):
            assert access.may_see_record(db, viewers[name], record) == (name in allowed), (audience, name)
    embargoed = next(r for r in records if r.dataset_id == datasets["embargo"].id and r.visibility == "public")
    seen = {name for name in viewers if access.may_see_record(db, viewers[name], embargoed)}
    assert seen == {"contributor", "steward2", "staff", "admin"}
    # The clock moves past the embargo: everyone sees the record again.
    _move_clock(db, date(2027, 3, 1))
    assert all(access.may_see_record(db, v, embargoed) for v in viewers.values())
    _move_clock(db, date.today())


def test_a_withdrawn_record_is_seen_by_its_contributor_alone(db, agreements):
    viewers, records, _ = agreements
    withdrawn = next(r for r in records if r.withdrawn_at is not None)
    seen = {name for name, viewer in viewers.items() if access.may_see_record(db, viewer, withdrawn)}
    assert seen == {"contributor", "staff", "admin"}
    # Its public geometry is gone, so no aggregate, tile or comparison counts it.
    assert db.scalar(text("SELECT public_geom IS NULL FROM observation WHERE id = :id"), {"id": withdrawn.id})


def test_a_grant_shows_generalised_records_precisely_until_it_expires(db, agreements):
    viewers, records, datasets = agreements
    scientist = viewers["scientist"]

    def record(key, visibility):
        return next(r for r in records if r.dataset_id == datasets[key].id and r.visibility == visibility)

    _move_clock(db, date(2027, 2, 28))
    assert access.may_see_precise(db, scientist, record("none", "generalised"))
    assert not access.may_see_precise(db, viewers["member"], record("none", "generalised"))
    assert not access.may_see_record(db, scientist, record("none", "private"))  # never a private record
    assert access.may_see_precise(db, scientist, record("park", "generalised"))  # opens the audience
    assert not access.may_see_record(db, scientist, record("embargo", "public"))  # never an embargo
    assert not access.has_grant(db, scientist, datasets["members"].id)  # expired
    # The day it expires, it is gone by itself.
    _move_clock(db, date(2027, 3, 1))
    assert not access.may_see_precise(db, scientist, record("none", "generalised"))
    assert not access.may_see_record(db, scientist, record("park", "public"))
