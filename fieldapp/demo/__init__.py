"""Demonstration data: four SYNTHETIC datasets around Jersey's coast, loaded idempotently."""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from fieldapp.accounts.models import User
from fieldapp.accounts.service import create_user, hash_password, password_matches
from fieldapp.config import Settings
from fieldapp.contributors.models import Contributor, Membership
from fieldapp.datasets.models import Dataset, DatasetAgreement
from fieldapp.db import set_actor
from fieldapp.demo.catalogue import (
    ACCOUNTS,
    DATASETS,
    FISHER_ACCOUNTS,
    GROUPS,
    HELD_DATASETS,
    PUBLISHED_PASSWORDS,
    STORY_DATASETS,
    SUBJECTS,
    WARDENS,
    DemoAccount,
    DemoDataset,
    subject_words,
)
from fieldapp.demo.coast import Coast
from fieldapp.demo.places import PLACES_DATASET, ensure_places
from fieldapp.demo.project import ensure_project
from fieldapp.demo.records import GENERATORS, Record
from fieldapp.demo.review import activity, ensure_reviews
from fieldapp.demo.stories import POT_LOG_FORM, STORIES
from fieldapp.forms.definition import FormSchema
from fieldapp.forms.queries import current_form
from fieldapp.forms.service import add_version
from fieldapp.geo.crs import STORAGE_SRID
from fieldapp.geodata import JERSEY_LAND, NATURAL_EARTH_CREDIT
from fieldapp.observations.models import Observation
from fieldapp.subjects.models import Subject, SubjectName

# Observation ids are derived from the source_ref, so every database holds the same ids.
NAMESPACE = uuid.UUID("0b6f3f1e-5a57-4c39-9d0e-6a7d3c1f2e11")


def load_demo(session: Session, settings: Settings) -> list[str]:
    """Load the demo accounts, contributors, subjects, datasets and observations; return a summary."""
    passwords: dict[str, str] = {}
    users = {account.key: _ensure_user(session, account, passwords) for account in ACCOUNTS}
    contributors = {key: user.contributor_id for key, user in users.items()}
    contributors |= {key: _ensure_contributor(session, kind, name) for key, kind, name in GROUPS + WARDENS}
    _ensure_memberships(session, contributors["fishers"], [contributors[k] for k in FISHER_ACCOUNTS])
    subjects = {subject.key: _ensure_subject(session, subject) for subject in SUBJECTS}
    set_actor(session, users["steward"].id)
    coast = Coast.load(session, settings.metric_srid)
    lines = [f"Jersey outline: {JERSEY_LAND.name} ({NATURAL_EARTH_CREDIT})."]
    now = datetime.now(UTC)
    for spec in DATASETS + STORY_DATASETS + HELD_DATASETS:
        dataset = _ensure_dataset(session, spec, contributors)
        _ensure_agreement(session, dataset, spec.agreement, now)
        if spec.slug in STORY_FORMS:
            _ensure_form(session, dataset, STORY_FORMS[spec.slug])
        generate = STORIES.get(spec.slug) or GENERATORS[spec.knowledge_kind]
        records = generate(coast, subject_words(spec.knowledge_kind))[: spec.records_max]
        loaded = _loaded_refs(session, dataset.id)
        entered_by = users["steward"].id
        rows = [
            _row(r, dataset, contributors, subjects, entered_by, now) for r in records if r["source_ref"] not in loaded
        ]
        created = _insert_observations(session, rows, settings.metric_srid) if rows else 0
        total = session.scalar(select(func.count()).where(Observation.dataset_id == dataset.id))
        lines.append(f"Dataset {spec.slug} ({spec.knowledge_kind}): {total} observations, {created} new.")
    places_dataset = _ensure_dataset(session, PLACES_DATASET, contributors)
    lines.append(ensure_places(session, contributors, places_dataset))
    reviews = ensure_reviews(session, users, {spec.knowledge_kind: spec.slug for spec in DATASETS})
    lines.append(f"Annotations across kinds of knowledge: {reviews} new.")
    lines.append(ensure_project(session, users, contributors))
    lines += [_account_line(account, passwords.get(account.key)) for account in ACCOUNTS]
    lines.append("All demonstration data are SYNTHETIC: not real records.")
    return lines


STORY_FORMS = {"story-pot-logs": POT_LOG_FORM}


def _ensure_form(session: Session, dataset: Dataset, definition: dict[str, Any]) -> None:
    """The dataset's first form version, once (its demo records are made with version 1)."""
    if current_form(session, dataset.id) is None:
        add_version(session, dataset, FormSchema().load(definition), None)


def _ensure_user(session: Session, account: DemoAccount, passwords: dict[str, str]) -> User:
    """Find or create a demo account; a new one (or one with a published password) gets a random password."""
    user = session.scalar(select(User).where(User.email == account.email))
    if user is None:
        passwords[account.key] = secrets.token_urlsafe(12)
        return create_user(
            session, account.email, role=account.role, name=account.name, password=passwords[account.key]
        )
    if user.password_hash and any(password_matches(user.password_hash, p) for p in PUBLISHED_PASSWORDS):
        passwords[account.key] = secrets.token_urlsafe(12)
        user.password_hash = hash_password(passwords[account.key])
    return user


def _account_line(account: DemoAccount, password: str | None) -> str:
    if password is None:
        return f"Account {account.email} ({account.role}): its password was printed when it was created."
    return f"Account {account.email} ({account.role}), password (shown once): {password}"


def _ensure_contributor(session: Session, kind: str, name: str) -> int:
    found = session.scalar(select(Contributor.id).where(Contributor.kind == kind, Contributor.display_name == name))
    if found is not None:
        return found
    contributor = Contributor(kind=kind, display_name=name)
    session.add(contributor)
    session.flush()
    return contributor.id


def _ensure_memberships(session: Session, group_id: int, member_ids: list[int]) -> None:
    """The members of the group; the first is its admin (who may withdraw the group's records)."""
    rows = [
        {"group_id": group_id, "member_id": member_id, "shown": True, "role": "admin" if i == 0 else "member"}
        for i, member_id in enumerate(member_ids)
    ]
    session.execute(pg_insert(Membership).values(rows).on_conflict_do_nothing())


def _ensure_subject(session: Session, spec) -> int:
    """Find the subject by scientific name or EUNIS code, or create it; add any missing names."""
    key = (
        Subject.scientific_name == spec.scientific_name
        if spec.scientific_name
        else (Subject.eunis_code == spec.eunis_code)
    )
    subject = session.scalar(select(Subject).where(key).order_by(Subject.id).limit(1))
    if subject is None:
        subject = Subject(
            kind=spec.kind,
            scientific_name=spec.scientific_name,
            eunis_code=spec.eunis_code,
            aphia_id=spec.aphia_id,
            generalise_m=spec.generalise_m,
        )
        session.add(subject)
        session.flush()
    known = {(n.name, n.language, n.community) for n in subject.names}
    by_words = {(n.name, n.community): n for n in subject.names}
    for name, language, community in spec.names:
        if (name, community) in by_words and (name, language, community) not in known:
            by_words[(name, community)].language = language  # a language corrected since an earlier demo
        elif (name, language, community) not in known:
            session.add(SubjectName(subject_id=subject.id, name=name, language=language, community=community))
    session.flush()
    return subject.id


def _ensure_dataset(session: Session, spec: DemoDataset, contributors: dict[str, int]) -> Dataset:
    dataset = session.scalar(select(Dataset).where(Dataset.slug == spec.slug))
    if dataset is None:
        dataset = Dataset(
            slug=spec.slug,
            title=spec.title,
            description=spec.description,
            knowledge_kind=spec.knowledge_kind,
            method=spec.method,
            licence=spec.licence,
            citation=spec.citation,
            steward_id=contributors[spec.steward],
            default_visibility=spec.default_visibility,
            force_generalised=spec.force_generalised,
        )
        session.add(dataset)
        session.flush()
    return dataset


def _ensure_agreement(session: Session, dataset: Dataset, values: dict | None, now: datetime) -> None:
    """Attach the dataset's demo agreement once (a reload keeps the one there, and its embargo date)."""
    if values is None or session.get(DatasetAgreement, dataset.id) is not None:
        return
    values = dict(values)
    if days := values.pop("embargo_days", None):
        values["embargo_until"] = (now + timedelta(days=days)).date()
    session.add(DatasetAgreement(dataset_id=dataset.id, **values))
    session.flush()


def _row(
    record: Record,
    dataset: Dataset,
    contributors: dict[str, int],
    subjects: dict[str, int],
    entered_by: int,
    now: datetime,
) -> dict[str, Any]:
    values = dict(record)
    shape, subject, contributor = values.pop("shape"), values.pop("subject"), values.pop("contributor")
    return {
        **values,
        "id": uuid.uuid5(NAMESPACE, f"{dataset.slug}/{record['source_ref']}"),
        "dataset_id": dataset.id,
        "subject_id": subjects[subject] if subject else None,
        "contributor_id": contributors[contributor] if contributor else None,
        "entered_by": entered_by,
        "visibility": dataset.default_visibility,
        "licence": dataset.licence,
        "attributes": {"synthetic": True},
        "metric_wkb": shape.wkb,
        **activity(dataset.knowledge_kind, record["source_ref"], now),
    }


def _loaded_refs(session: Session, dataset_id: int) -> set[str]:
    """Source refs already in the dataset: skipping them spares the triggers' work on a re-run."""
    return set(session.scalars(select(Observation.source_ref).where(Observation.dataset_id == dataset_id)))


def _insert_observations(session: Session, rows: list[dict[str, Any]], metric_srid: int) -> int:
    """Insert the rows in one statement; a row loaded meanwhile (same dataset and source_ref) is skipped."""
    # Shapes were drawn in metres; PostGIS brings them to the storage CRS.
    geom = func.ST_Transform(func.ST_GeomFromWKB(bindparam("metric_wkb"), metric_srid), STORAGE_SRID)
    statement = (
        pg_insert(Observation)
        .values(geom=geom)
        .on_conflict_do_nothing(constraint="uq_observation_dataset_id_source_ref")
        .returning(Observation.id)
    )
    return len(session.execute(statement, rows).all())
