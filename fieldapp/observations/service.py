"""Write side of observations: idempotent creation, updates and deletion, in transactions."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import shapely
from geoalchemy2.shape import from_shape
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fieldapp.access import may_credit, may_facilitate, may_manage, may_record, may_see_record, viewer_of
from fieldapp.accounts.models import User
from fieldapp.consent.service import current_terms, record_facilitated
from fieldapp.contributors.models import Contributor
from fieldapp.contributors.service import is_someones_pseudonym
from fieldapp.datasets.models import Dataset
from fieldapp.db import set_actor
from fieldapp.errors import Conflict, Forbidden, Invalid, NotFound
from fieldapp.forms.models import DatasetForm
from fieldapp.forms.queries import current_form, form_version
from fieldapp.forms.values import check_values
from fieldapp.geo.crs import STORAGE_SRID
from fieldapp.i18n import _
from fieldapp.observations import bulk
from fieldapp.observations.models import Observation
from fieldapp.places.models import Place
from fieldapp.subjects.models import Subject

# Every optional property, so that every row of a batch insert has the same keys.
OPTIONAL_PROPERTIES = (
    "recorded_by_text",
    "subject_id",
    "subject_text",
    "place_id",
    "count",
    "abundance_scale",
    "abundance_value",
    "abundance_verbatim",
    "trend",
    "observed_end",
    "season_months",
    "coordinate_uncertainty_m",
    "confidence",
    "method",
    "notes",
    "source_ref",
    "time_spent_min",
)


@dataclass(frozen=True)
class Outcome:
    """What happened to one submitted observation."""

    id: uuid.UUID
    created: bool


# json.dumps with these options, built once rather than per feature (stored hashes depend on it).
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"))


def content_hash(raw_feature: dict[str, Any]) -> str:
    """Fingerprint a submitted feature, to tell a retry from a different record with the same id."""
    canonical = _CANONICAL.encode(
        {"geometry": raw_feature.get("geometry"), "properties": raw_feature.get("properties")}
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def create_observations(
    session: Session, user: User, features: list[dict[str, Any]], raw_features: list[dict[str, Any]]
) -> list[Outcome]:
    """Store validated features all-or-nothing; a known id with the same content is not stored twice."""
    slugs = {f["properties"]["dataset"] for f in features}
    datasets = {d.slug: d for d in session.scalars(select(Dataset).where(Dataset.slug.in_(slugs)))}
    for dataset in datasets.values():
        check_may_record(session, user, dataset)
    _check_subjects(session, features)
    _check_places(session, user, features)
    # Each dataset's form once per batch (it was read again for every feature: 1,000 queries a batch).
    forms = {d.id: current_form(session, d.id) for d in datasets.values()}
    rows = []
    errors: list[dict[str, str]] = []
    for index, (feature, raw) in enumerate(zip(features, raw_features, strict=True)):
        # Name the feature by its index in a batch; a single feature needs no index.
        prefix = f"features.{index}." if len(features) > 1 else ""
        try:
            rows.append(_row(session, user, feature, raw, datasets, forms))
        except Invalid as exc:
            errors.extend({"path": prefix + d["path"], "message": d["message"]} for d in exc.details)
    if errors:
        summary = "; ".join(f"{d['path']}: {d['message']}" for d in errors[:5])
        raise Invalid(f"Nothing was written: {summary}", errors)
    set_actor(session, user.id)
    try:
        created = insert_rows(session, rows)
    except IntegrityError as exc:
        session.rollback()
        raise _integrity_conflict(exc) from None
    _check_retries(session, user, [r for r in rows if r["id"] not in created])
    _record_consents(session, user, rows, created)
    return [Outcome(r["id"], r["id"] in created) for r in rows]


# Every column a new observation is written with, and its PostgreSQL type: rows travel as one
# array per column through unnest(), one statement and a handful of parameters per batch.
INSERT_COLUMNS = {
    "id": "uuid",
    "dataset_id": "integer",
    "contributor_id": "integer",
    "entered_by": "integer",
    "recorded_by_text": "text",
    "subject_id": "integer",
    "subject_text": "text",
    "place_id": "integer",
    "occurrence_status": "text",
    "count": "integer",
    "abundance_scale": "text",
    "abundance_value": "text",
    "abundance_verbatim": "text",
    "trend": "text",
    "observed_start": "timestamptz",
    "observed_end": "timestamptz",
    "time_precision": "text",
    "season_months": "smallint[]",
    "coordinate_uncertainty_m": "float8",
    "visibility": "text",
    "confidence": "text",
    "method": "text",
    "notes": "text",
    "attributes": "jsonb",
    "licence": "text",
    "source_ref": "text",
    "repair_note": "text",
    "content_hash": "text",
    "time_spent_min": "integer",
    "form_version": "integer",
    "field_values": "jsonb",
    "geom": "geometry",
}
# Arrays of arrays must be rectangular, so season months and JSON travel as text and are cast per row.
_CARRIER = {"smallint[]": "text", "jsonb": "text", "geometry": "bytea"}
_PER_ROW = {
    "smallint[]": "CAST(u.{c} AS smallint[])",
    "jsonb": "CAST(u.{c} AS jsonb)",
    "geometry": "ST_GeomFromWKB(u.{c}, 4326)",
}


def _insert_sql() -> str:
    names = ", ".join(INSERT_COLUMNS)
    selected = ", ".join(_PER_ROW.get(t, "u.{c}").format(c=c) + f" AS {c}" for c, t in INSERT_COLUMNS.items())
    arrays = ", ".join(f"CAST(:{c} AS {_CARRIER.get(t, t)}[])" for c, t in INSERT_COLUMNS.items())
    source = f"SELECT {selected} FROM unnest({arrays}) AS u({names})"
    return bulk.insert_sql(list(INSERT_COLUMNS), source, "(id)", returning="ids")


INSERT_SQL = _insert_sql()


def _carried(value: Any, pg_type: str) -> Any:
    if value is None:
        return None
    if pg_type == "smallint[]":
        return "{" + ",".join(str(int(v)) for v in value) + "}"
    if pg_type == "jsonb":
        return json.dumps(value)
    return value


def insert_rows(session: Session, rows: list[dict[str, Any]]) -> set[uuid.UUID]:
    """Insert new observations in one statement; ids that already exist are skipped and not returned."""
    params = {c: [_carried(r[c], t) for r in rows] for c, t in INSERT_COLUMNS.items()}
    return set(bulk.run(session, INSERT_SQL, params))


def _datasets_by_slug(session: Session, slugs: set[str]) -> dict[str, Dataset]:
    found = {d.slug: d for d in session.scalars(select(Dataset).where(Dataset.slug.in_(slugs)))}
    missing = sorted(slugs - set(found))
    if missing:
        raise Invalid(
            f"Unknown dataset(s): {', '.join(missing)}.",
            [{"path": "properties.dataset", "message": f"no dataset {slug!r}"} for slug in missing],
        )
    return found


def _check_places(session: Session, user: User, features: list[dict[str, Any]]) -> None:
    """A record may name a place its recorder may see (a private mark only by those who hold it)."""
    ids = {f["properties"].get("place_id") for f in features} - {None}
    viewer = viewer_of(user)
    unknown = sorted(i for i in ids if (p := session.get(Place, i)) is None or not may_see_record(session, viewer, p))
    if unknown:
        raise Invalid(
            _("Unknown place id(s): %(ids)s.", ids=", ".join(map(str, unknown))),
            [{"path": "properties.place_id", "message": _("no place %(id)s", id=i)} for i in unknown],
        )


def _check_subjects(session: Session, features: list[dict[str, Any]]) -> None:
    ids = {f["properties"].get("subject_id") for f in features} - {None}
    if not ids:
        return
    known = set(session.scalars(select(Subject.id).where(Subject.id.in_(ids))))
    if ids - known:
        raise Invalid(
            f"Unknown subject id(s): {', '.join(map(str, sorted(ids - known)))}.",
            [{"path": "properties.subject_id", "message": f"no subject {i}"} for i in sorted(ids - known)],
        )


def _row(
    session: Session,
    user: User,
    feature: dict[str, Any],
    raw: dict[str, Any],
    datasets: dict[str, Dataset],
    forms: dict[int, DatasetForm | None],
) -> dict[str, Any]:
    props = dict(feature["properties"])
    slug = props.pop("dataset")
    if slug not in datasets:
        raise Invalid(f"Unknown dataset {slug!r}.", [{"path": "properties.dataset", "message": f"no dataset {slug!r}"}])
    dataset = datasets[slug]
    contributor_id = props.pop("contributor_id", None) or user.contributor_id
    behalf = _check_credit(session, user, contributor_id, dataset)
    consent_way = _consent_way(session, behalf, props.pop("consent_way", None))
    checked = feature["geometry"]
    start = props.pop("observed_start", None)
    form = forms[dataset.id]
    values = _field_values(form, props.pop("field_values", None))
    return {
        **{name: props.get(name) for name in OPTIONAL_PROPERTIES},
        "id": feature.get("id") or uuid.uuid4(),
        "occurrence_status": props.get("occurrence_status") or "present",
        "dataset_id": dataset.id,
        "contributor_id": contributor_id,
        "entered_by": user.id,
        "observed_start": start or datetime.now(UTC),
        "time_precision": props.get("time_precision") or "instant",
        "visibility": props.get("visibility") or dataset.default_visibility,
        "licence": props.get("licence") or dataset.licence,
        "attributes": props.get("attributes") or {},
        "geom": shapely.to_wkb(checked.shape),
        "repair_note": checked.repair_note,
        "content_hash": content_hash(raw),
        "form_version": form.version if form else None,
        "field_values": values,
        # Not a column: recorded as a facilitated consent once the row is created (_record_consents).
        "consent_way": consent_way,
    }


def _consent_way(session: Session, behalf: bool, way: str | None) -> str | None:
    """How the person credited gave consent: required when recording on their behalf and the park has terms."""
    if way is not None and not behalf:
        message = _("only when recording on someone else's behalf")
        raise Invalid(f"properties.consent_way: {message}.", [{"path": "properties.consent_way", "message": message}])
    if not behalf:
        return None
    terms = current_terms(session)
    if way is None and terms is not None:
        message = _("say how the person you record for gave consent: in_person, paper or verbal")
        raise Invalid(f"properties.consent_way: {message}.", [{"path": "properties.consent_way", "message": message}])
    if way is not None and terms is None:
        message = _("the park has published no terms to consent to")
        raise Invalid(f"properties.consent_way: {message}.", [{"path": "properties.consent_way", "message": message}])
    return way


def _record_consents(session: Session, user: User, rows: list[dict[str, Any]], created: set[uuid.UUID]) -> None:
    """A facilitated consent for each new record entered on someone's behalf with a way (a resent record: none)."""
    for row in rows:
        if row["consent_way"] is None or row["id"] not in created:
            continue
        person = session.get_one(Contributor, row["contributor_id"])
        values = {"person": person.display_name, "way": row["consent_way"], "dataset_id": row["dataset_id"]}
        record_facilitated(session, user, values)


def _field_values(form: DatasetForm | None, raw: dict[str, Any] | None) -> dict[str, Any] | None:
    """The values as the form checks them (every problem named), or None for a dataset without a form."""
    if form is None:
        if raw:
            message = "this dataset's form has only the common fields"
            raise Invalid(f"properties.fields: {message}", [{"path": "properties.fields", "message": message}])
        return None
    clean, problems = check_values(form.definition, raw, "properties.fields")
    if problems:
        raise Invalid("The form's fields are not valid.", problems)
    return clean


def check_may_record(session: Session, user: User, dataset: Dataset) -> None:
    """Refuse to record into a dataset whose stewards keep recording to named groups or invited people."""
    if may_record(session, viewer_of(user), dataset.id):
        return
    message = _("only people its stewards chose may record into %(slug)s", slug=dataset.slug)
    raise Forbidden(f"properties.dataset: {message}.", [{"path": "properties.dataset", "message": message}])


def _check_credit(session: Session, user: User, contributor_id: int, dataset: Dataset) -> bool:
    """One may credit oneself, one's pseudonyms, a group one belongs to, or anyone when facilitating.

    True when the record is entered on someone else's behalf."""
    viewer = viewer_of(user)
    if may_credit(session, viewer, contributor_id):
        return False
    # Facilitators enter records on behalf of people, but never under someone else's pseudonym.
    facilitating = may_facilitate(session, viewer, dataset.id)
    if facilitating and not is_someones_pseudonym(session, contributor_id):
        return True
    raise Invalid(
        "You may credit yourself, your pseudonyms or a group you belong to.",
        [
            {
                "path": "properties.contributor_id",
                "message": f"contributor {contributor_id} is not you, your pseudonym nor your group",
            }
        ],
    )


def _check_retries(session: Session, user: User, rows: list[dict[str, Any]]) -> None:
    """Rows whose id already existed must be the same account's exact retries, or nothing is written.

    Only the account that created a record learns whether a resent feature matches it: to anyone
    else an existing id is taken, whatever the content, so no answer depends on a hidden geometry.
    """
    if not rows:
        return
    query = select(Observation.id, Observation.content_hash, Observation.entered_by)
    stored = {r.id: r for r in session.execute(query.where(Observation.id.in_([r["id"] for r in rows])))}
    details = []
    for row in rows:
        existing = stored.get(row["id"])
        if existing is None or existing.entered_by != user.id:
            details.append({"path": "id", "message": f"{row['id']} is already taken"})
        elif existing.content_hash != row["content_hash"]:
            details.append({"path": "id", "message": f"{row['id']} exists with different content"})
    if details:
        session.rollback()
        taken = any(d["message"].endswith("taken") for d in details)
        raise Conflict(_TAKEN if taken else _CHANGED, details)


_TAKEN = "An observation with this id already exists; nothing was written."
_CHANGED = "An observation with this id already exists with different content; nothing was written."


def _integrity_conflict(exc: IntegrityError) -> Conflict:
    detail = str(exc.orig).splitlines()[0] if exc.orig else str(exc)
    if "source_ref" in detail:
        return Conflict(
            "This dataset already has an observation with this source_ref; nothing was written.",
            [{"path": "properties.source_ref", "message": "already used in this dataset"}],
        )
    return Conflict(f"The observation could not be stored: {detail}")


def load_for_change(session: Session, user: User, observation_id: uuid.UUID) -> Observation:
    """Fetch an observation the user may change, or raise NotFound / Forbidden."""
    observation = session.get(Observation, observation_id, with_for_update=True)
    if observation is None:
        raise NotFound(f"No observation {observation_id}.")
    if not may_manage(session, viewer_of(user), observation):
        raise Forbidden("Only the contributor, the dataset's stewards and park staff may change this record.")
    return observation


def update_observation(session: Session, user: User, observation_id: uuid.UUID, patch: dict[str, Any]) -> Observation:
    """Apply a validated partial update; the history trigger records what changed and who did it."""
    observation = load_for_change(session, user, observation_id)
    # Before any attribute changes: set_actor's query autoflushes, and the history trigger must
    # already know who is acting when the UPDATE reaches the database.
    set_actor(session, user.id)
    props = dict(patch.get("properties") or {})
    if "dataset" in props:
        target = next(iter(_datasets_by_slug(session, {props.pop("dataset")}).values()))
        if target.id != observation.dataset_id:
            # Moving a record is recording it there: it needs the right to record into the new dataset.
            check_may_record(session, user, target)
        observation.dataset_id = target.id
    way = props.pop("consent_way", None)
    behalf = False
    if "contributor_id" in props:
        dataset_row = session.get_one(Dataset, observation.dataset_id)
        behalf = _check_credit(session, user, props["contributor_id"], dataset_row)
    if way is not None:
        # A consent only comes with a change of credit to someone recorded for (not required on a change).
        _consent_way(session, behalf, way)
        person = session.get_one(Contributor, props["contributor_id"])
        values = {"person": person.display_name, "way": way, "dataset_id": observation.dataset_id}
        record_facilitated(session, user, values)
    if props.get("subject_id"):
        _check_subjects(session, [{"properties": props}])
    if props.get("place_id"):
        _check_places(session, user, [{"properties": props}])
    if "geometry" in patch:
        observation.geom = from_shape(patch["geometry"].shape, srid=STORAGE_SRID)
        observation.repair_note = patch["geometry"].repair_note
    if "field_values" in props:
        # Checked against the version the record was made with (the current one for a record without).
        form = form_version(session, observation.dataset_id, observation.form_version) or current_form(
            session, observation.dataset_id
        )
        observation.field_values = _field_values(form, props.pop("field_values"))
        observation.form_version = form.version if form else None
    for name, value in props.items():
        setattr(observation, name, value)
    _check_row_rules(observation)
    try:
        session.flush()
    except IntegrityError as exc:
        session.rollback()
        raise _integrity_conflict(exc) from None
    return observation


def _check_row_rules(observation: Observation) -> None:
    """Rules across fields that a partial update can break."""
    if observation.observed_end is not None and observation.observed_end < observation.observed_start:
        raise Invalid(
            "The interval ends before it starts.",
            [{"path": "properties.observed_end", "message": "ends before observed_start"}],
        )
    if not observation.subject_id and not observation.subject_text:
        raise Invalid(
            "An observation needs a subject_id or subject_text.",
            [{"path": "properties.subject_text", "message": "say what was observed"}],
        )
    if (observation.abundance_scale is None) != (observation.abundance_value is None):
        raise Invalid(
            "Give abundance_scale and abundance_value together.",
            [{"path": "properties.abundance_value", "message": "scale and value go together"}],
        )


def delete_observation(session: Session, user: User, observation_id: uuid.UUID) -> None:
    """Delete an observation; the history keeps what it was and who deleted it."""
    observation = load_for_change(session, user, observation_id)
    set_actor(session, user.id)
    session.delete(observation)
    session.flush()
