"""Import every model so the metadata is complete (Alembic, tests)."""

from fieldapp.accounts.models import ApiToken, LoginThrottle, OneTimeLink, User, UserSession
from fieldapp.annotations.models import Annotation
from fieldapp.comparison.models import ComparisonCell, ComparisonRun
from fieldapp.consent.models import Consent, TermsVersion
from fieldapp.contributors.models import Contributor, Membership
from fieldapp.datasets.models import Dataset, DatasetRecorder, DatasetSteward
from fieldapp.db import Base
from fieldapp.forms.models import DatasetForm
from fieldapp.maps.models import MapCell, MapDatasetState
from fieldapp.notifications.models import Notification
from fieldapp.observations.models import Media, Observation, ObservationHistory
from fieldapp.participation.models import ParticipationMonth
from fieldapp.places.models import Place, PlaceName
from fieldapp.projects.models import (
    Project,
    ProjectDataset,
    ProjectPartner,
    ProtocolComment,
    ProtocolShaper,
    ProtocolVersion,
    WellbeingCheckin,
)
from fieldapp.subjects.models import PreferredName, Subject, SubjectName
from fieldapp.transfer.models import ImportFile, ImportJob
from fieldapp.usage import UsageDataset, UsageEvent

__all__ = [
    "TermsVersion",
    "Annotation",
    "ApiToken",
    "Base",
    "ComparisonCell",
    "ComparisonRun",
    "Consent",
    "Contributor",
    "Dataset",
    "DatasetForm",
    "DatasetRecorder",
    "DatasetSteward",
    "ImportFile",
    "ImportJob",
    "LoginThrottle",
    "Notification",
    "OneTimeLink",
    "MapCell",
    "MapDatasetState",
    "Media",
    "Membership",
    "Observation",
    "ObservationHistory",
    "ParticipationMonth",
    "Project",
    "ProjectDataset",
    "ProjectPartner",
    "ProtocolComment",
    "ProtocolShaper",
    "ProtocolVersion",
    "Subject",
    "SubjectName",
    "PreferredName",
    "Place",
    "PlaceName",
    "UsageDataset",
    "UsageEvent",
    "User",
    "UserSession",
    "WellbeingCheckin",
]
