"""The controlled words of the domain, declared once and used by models, schemas and SQL."""

KNOWLEDGE_KINDS = ("local", "volunteer", "scientific", "historical")
ROLES = ("member", "steward", "staff", "admin")
# OGL-UK-3.0 is the licence of the UK survey layers users import (Natural England, JNCC, Cefas).
LICENCES = ("CC0-1.0", "CC-BY-4.0", "CC-BY-SA-4.0", "CC-BY-NC-4.0", "OGL-UK-3.0", "restricted")
LICENCE_URIS = {
    "CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC-BY-SA-4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "CC-BY-NC-4.0": "https://creativecommons.org/licenses/by-nc/4.0/",
    "OGL-UK-3.0": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    "restricted": None,
}
VISIBILITIES = ("public", "generalised", "private")
CONTRIBUTOR_KINDS = ("person", "group")
# A person's part in a group: its admins act for the group (withdrawing its records), members credit it.
GROUP_ROLES = ("member", "admin")
SUBJECT_KINDS = ("taxon", "habitat", "other")
OCCURRENCE_STATUSES = ("present", "absent")
TRENDS = ("increasing", "stable", "decreasing")
TIME_PRECISIONS = ("instant", "day", "month", "season", "year", "decade")
CONFIDENCES = ("certain", "probable", "possible")
ABUNDANCE_SCALES = ("SACFOR", "DAFOR", "DOMIN", "percent_cover")
HISTORY_ACTIONS = ("create", "update", "delete")
# What a gazetteer entry is (fishing_mark: a fisher's own place, often generalised or private).
PLACE_KINDS = ("bay", "beach", "reef", "rock", "slipway", "harbour", "headland", "island", "fishing_mark", "other")
# OGC API collections that are not datasets (every observation; the gazetteer): no dataset takes one as its slug.
OGC_COLLECTIONS = ("observations", "places")


def sql_in(values: tuple[str, ...]) -> str:
    """Render a tuple of words as a SQL IN list for a CHECK constraint."""
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


ANNOTATION_KINDS = ("corroborate", "question", "context", "correction")
# What a notification tells: an annotation of each kind on my record, or an answer to my annotation.
NOTIFICATION_KINDS = ("corroborate", "question", "context", "correction", "answer")
ANNOTATION_STATUSES = ("open", "accepted", "answered")
# A name of a subject is reviewed like a record, but not corrected: a better name is added beside it.
NAME_ANNOTATION_KINDS = ("corroborate", "question", "context")
# What a proposed correction may change, and the observation properties each one maps to.
CORRECTABLE_FIELDS = ("subject", "date", "quantity", "place")
# Who designed a project and who delivers it: the co-production declaration.
CO_PRODUCERS = ("community", "professionals", "both")

# Data agreements: what a dataset's knowledge may be used for, and who may see its records.
AGREEMENT_USES = ("park_management", "research", "education")
# everyone; signed-in members; members of the named groups; the park (staff) alone.
AUDIENCES = ("everyone", "members", "groups", "park")
# Who may record into a dataset: any member, members of named groups, or invited people (its stewards
# and park staff always may).
RECORDING_MODES = ("open", "groups", "invited")
# Local Contexts Traditional Knowledge (TK) and Biocultural (BC) labels; the community writes each label's text.
TK_LABELS = {
    "tk_attribution": "TK Attribution",
    "tk_non_commercial": "TK Non-Commercial",
    "tk_community_voice": "TK Community Voice",
    "tk_seasonal": "TK Seasonal",
    "tk_verified": "TK Verified",
    "tk_culturally_sensitive": "TK Culturally Sensitive",
    "bc_provenance": "BC Provenance",
    "bc_research_use": "BC Research Use",
    "bc_consent_verified": "BC Consent Verified",
}
# A request for precise access to a dataset: asked, then granted (for a limited time) or refused.
GRANT_STATUSES = ("requested", "granted", "refused")
# How a consent to the terms was given: by the person online, or through a facilitator.
CONSENT_WAYS = ("online", "in_person", "paper", "verbal")
