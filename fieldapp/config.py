"""Typed settings read from FIELDAPP_* variables and DATABASE_URL, checked at start-up."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VERSION = "0.1.0"
# Production is the default: development mode is only ever asked for by name.
ENVIRONMENTS = ("production", "development")
# No generalisation cell is ever finer than this, whatever a deployment configures: at 10 m a
# "generalised" record shows its place to within a few metres.
HARD_GENERALISE_FLOOR_M = 100


class SettingsError(ValueError):
    """A setting is missing or malformed."""


def sqlalchemy_url(url: str) -> str:
    """Point a plain postgresql:// URL at the psycopg 3 driver."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


@dataclass(frozen=True)
class Settings:
    """Everything the app reads from its environment."""

    # SQLAlchemy URL of the PostGIS database.
    database_url: str = "postgresql+psycopg:///fieldapp"
    # Streaming replicas of it (DATABASE_REPLICA_URLS, comma-separated): the reads db.READ_ENDPOINTS
    # names go to one that is streaming, within replica_max_lag_s and has replayed the reader's own writes.
    database_replica_urls: tuple[str, ...] = ()
    replica_max_lag_s: int = 10
    # Signs session cookies and CSRF tokens; required outside development (a random one there).
    secret_key: str = ""
    # Where uploaded photos are kept (originals are private).
    media_dir: Path = PROJECT_ROOT / "var" / "media"
    # Metric CRS for grids, buffers and generalisation (EPSG:3109 Jersey TM).
    metric_srid: int = 3109
    # Default size of the generalisation grid cell in metres.
    generalise_m: int = 1000
    # The finest cell a steward may set for a dataset or a sensitive subject (never under 100 m).
    generalise_floor_m: int = 1000
    # Largest request body accepted, in bytes.
    max_body_bytes: int = 20 * 1024 * 1024
    # Largest import upload (API and page), in bytes: past this it is refused before being read.
    import_max_bytes: int = 1024**3
    # Imports up to this size run within the request; larger ones run in the background.
    import_inline_max_bytes: int = 5 * 1024 * 1024
    # Largest photo decoded, in pixels (width x height, after JPEG's reduced decoding): up to
    # 4 bytes each, so one photo adds at most about 100 MB to a worker of about 170 MB.
    photo_max_pixels: int = 25_000_000
    # Largest photo file accepted, in bytes.
    photo_max_bytes: int = 15 * 1024 * 1024
    # An uploaded zip (import) may hold this many files, unpack to this many bytes in all, and no
    # member may unpack more than this many times larger than it is packed (real data: about 20).
    archive_max_members: int = 2000
    archive_max_unpacked_bytes: int = 4 * 1024**3
    archive_max_ratio: int = 200
    # OGC API Features: features per page unless the client asks (limit), and the most it may ask.
    ogc_page_size: int = 10
    ogc_page_max: int = 10_000
    # The JSON API: records per page of a list unless the client asks (limit), the most it may ask,
    # and the most features one POST may carry (stored all-or-nothing in one statement).
    api_page_size: int = 100
    api_page_max: int = 10_000
    api_batch_max: int = 1000
    # A list's numberMatched (JSON API and OGC items) is counted exactly when the planner expects at most
    # this many matches and the count takes at most this many milliseconds; otherwise it is the planner's
    # estimate, flagged as one (a client asks count=exact for an exact count whatever it costs).
    count_exact_max: int = 20_000
    count_exact_ms: int = 15
    # A comparison's grid join tests each area or line against every cell of its box: refused above
    # this many cell x vertex tests (about 10 s on 2 busy cores), and stopped after the timeout in seconds.
    comparison_max_work: int = 5_000_000
    comparison_timeout_s: int = 20
    # A comparison page's cells are kept this many hours for its map's vector tiles (a shared link redraws them).
    comparison_keep_h: int = 24
    # A comparison whose grid work is above this runs in a `fieldapp worker` job (the page follows it, the API
    # answers 202), stopped after comparison_job_time_limit_s instead of comparison_timeout_s.
    comparison_inline_max_work: int = 1_000_000
    comparison_job_time_limit_s: int = 600
    # Failed sign-ins allowed per account (and per account from one address) within the window below.
    login_failures_allowed: int = 5
    # Failed sign-ins allowed per client address, whatever the accounts tried.
    login_address_failures_allowed: int = 20
    login_failure_window_s: int = 900
    # Past its limit an account takes one attempt per back-off (never a long lock-out for its owner).
    login_backoff_s: int = 30
    # Background jobs (imports) run in `fieldapp worker` processes: a job running longer than the time
    # limit is stopped and marked failed; a worker holds its job for the lease and renews it every
    # third of it, so a job whose worker died is taken by another after at most one lease; a job
    # whose workers died this many times is marked failed instead of being taken again.
    job_time_limit_s: int = 3600
    job_lease_s: int = 30
    job_attempts_max: int = 3
    # Exports: up to this many records (as the viewer may see them) stream within the request; larger
    # ones become a job for the workers, stopped after export_time_limit_s; a finished export's file is
    # kept export_keep_h hours for its requester to download, then the job and its file go.
    export_inline_max_records: int = 50_000
    export_time_limit_s: int = 1800
    export_keep_h: int = 24
    # A new generalisation cell (or forcing it) recomputes the public place of every shared record of the
    # dataset in the same transaction, so the rule and what is shown never disagree. The web (page, API)
    # does it for datasets of up to this many shared records; larger ones are changed with
    # `fieldapp datasets edit SLUG --cell-m M`, outside any request's time limit.
    regeneralise_inline_max: int = 10_000
    # A rebuild of a dataset's map aggregates (`fieldapp tiles rebuild`) running longer is stopped, rolled back.
    tiles_rebuild_time_limit_s: int = 900
    # A queued sending of notification digests (`fieldapp notifications digest --queue`) running longer is stopped.
    digest_time_limit_s: int = 900
    # Photos are sent by nginx when set: the app checks who may see a photo, then answers with an
    # empty body and X-Accel-Redirect: <this prefix><path under FIELDAPP_MEDIA_DIR>, which nginx
    # serves from an internal location (deploy/nginx.conf). Empty: the app sends the file itself.
    media_accel_prefix: str = ""
    # Reverse proxies in front of the app whose X-Forwarded-For is trusted (the client address limits use).
    proxy_count: int = 0
    # PostgreSQL's JIT compiler for the app's connections. Off by default: PostGIS functions are
    # estimated costly, so JIT switches on and compiles for longer than the queries run.
    db_jit: bool = False
    # Email (invitations, password resets, notification digests) goes out through this SMTP server when
    # set: smtp://[user:password@]host[:port] (STARTTLS when the server offers it) or smtps:// (TLS).
    # Without it, pages show the one-time link for staff to pass on, and no digest is sent.
    smtp_url: str = ""
    # The sender of that email.
    mail_from: str = "fieldapp@localhost"
    # The site's own address, for links in email sent outside a request (digests, the CLI's links).
    base_url: str = "http://127.0.0.1:5000"
    # An online tile layer drawn over the bundled offline coastline on the recording, record and sensing
    # maps (and the folium maps, instead of OpenStreetMap), when set: an https URL with {z}, {x} and {y};
    # its credit in base_tiles_attribution. Empty: no tile server is asked (offline base only there).
    base_tiles_url: str = ""
    base_tiles_attribution: str = ""
    # A one-time link (password reset, invitation) works once, for this many hours.
    link_hours: int = 72
    # Development mode (random secret, cookies over plain HTTP): only when asked for explicitly.
    development: bool = False
    testing: bool = False

    def __post_init__(self) -> None:
        if not self.secret_key and (self.development or self.testing):
            object.__setattr__(self, "secret_key", secrets.token_hex(32))
        if self.generalise_floor_m < HARD_GENERALISE_FLOOR_M:
            raise SettingsError(f"FIELDAPP_GENERALISE_FLOOR_M must be at least {HARD_GENERALISE_FLOOR_M} m")
        if self.generalise_m < self.generalise_floor_m:
            raise SettingsError("FIELDAPP_GENERALISE_M must not be finer than FIELDAPP_GENERALISE_FLOOR_M")
        for kind in ("ogc", "api"):
            if getattr(self, f"{kind}_page_size") > getattr(self, f"{kind}_page_max"):
                raise SettingsError(
                    f"FIELDAPP_{kind.upper()}_PAGE_SIZE must not be larger than FIELDAPP_{kind.upper()}_PAGE_MAX"
                )

    def check(self) -> None:
        """Refuse to serve production without the secrets it needs."""
        if not self.secret_key:
            raise SettingsError(
                "FIELDAPP_SECRET_KEY is required in production (FIELDAPP_ENV is not 'development'): "
                "set it to a long random value shared by every worker, or set FIELDAPP_ENV=development "
                "on a development machine."
            )

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        """Read and check the settings from the environment."""
        env = dict(os.environ if env is None else env)
        mode = env.get("FIELDAPP_ENV") or "production"
        if mode not in ENVIRONMENTS:
            raise SettingsError(f"FIELDAPP_ENV must be one of {', '.join(ENVIRONMENTS)}, not {mode!r}")
        development = mode == "development"
        secret = env.get("FIELDAPP_SECRET_KEY")
        kwargs: dict = {
            "database_url": sqlalchemy_url(env.get("DATABASE_URL", "postgresql:///fieldapp")),
            "database_replica_urls": tuple(
                sqlalchemy_url(u.strip()) for u in env.get("DATABASE_REPLICA_URLS", "").split(",") if u.strip()
            ),
            "development": development,
            "db_jit": _bool(env, "FIELDAPP_DB_JIT", cls.db_jit),
        }
        # Each number from FIELDAPP_<FIELD>, its default the field's own (one place for both).
        for name, minimum in _NUMBERS.items():
            kwargs[name] = _int(env, f"FIELDAPP_{name.upper()}", getattr(cls, name), minimum)
        if secret:
            kwargs["secret_key"] = secret
        if env.get("FIELDAPP_MEDIA_ACCEL_PREFIX"):
            prefix = env["FIELDAPP_MEDIA_ACCEL_PREFIX"]
            if not (prefix.startswith("/") and prefix.endswith("/")):
                raise SettingsError(f"FIELDAPP_MEDIA_ACCEL_PREFIX must start and end with '/', not {prefix!r}")
            kwargs["media_accel_prefix"] = prefix
        for name in ("smtp_url", "mail_from", "base_url", "base_tiles_url", "base_tiles_attribution"):
            if env.get(f"FIELDAPP_{name.upper()}"):
                kwargs[name] = env[f"FIELDAPP_{name.upper()}"].strip()
        tiles = kwargs.get("base_tiles_url", "")
        if tiles and not (tiles.startswith("https://") and all(f"{{{k}}}" in tiles for k in "zxy")):
            raise SettingsError("FIELDAPP_BASE_TILES_URL must be an https:// URL with {z}, {x} and {y}")
        if kwargs.get("smtp_url") and not kwargs["smtp_url"].startswith(("smtp://", "smtps://")):
            raise SettingsError("FIELDAPP_SMTP_URL must start with smtp:// or smtps://")
        if env.get("FIELDAPP_MEDIA_DIR"):
            kwargs["media_dir"] = Path(env["FIELDAPP_MEDIA_DIR"])
        settings = cls(**kwargs)
        settings.check()
        return settings


# The numeric settings read from the environment, with the least value each accepts.
_NUMBERS = {
    "metric_srid": 1,
    "generalise_m": 1,
    "generalise_floor_m": 1,
    "max_body_bytes": 1,
    "import_max_bytes": 1,
    "import_inline_max_bytes": 1,
    "photo_max_pixels": 1,
    "photo_max_bytes": 1,
    "archive_max_members": 1,
    "archive_max_unpacked_bytes": 1,
    "archive_max_ratio": 1,
    "ogc_page_size": 1,
    "ogc_page_max": 1,
    "api_page_size": 1,
    "api_page_max": 1,
    "api_batch_max": 1,
    "count_exact_max": 1,
    "count_exact_ms": 1,
    "comparison_max_work": 1,
    "comparison_timeout_s": 1,
    "comparison_keep_h": 1,
    "comparison_inline_max_work": 1,
    "comparison_job_time_limit_s": 1,
    "login_failures_allowed": 1,
    "login_address_failures_allowed": 1,
    "login_failure_window_s": 1,
    "login_backoff_s": 1,
    "replica_max_lag_s": 0,
    "job_time_limit_s": 1,
    "job_lease_s": 1,
    "job_attempts_max": 1,
    "export_inline_max_records": 1,
    "regeneralise_inline_max": 0,
    "export_time_limit_s": 1,
    "export_keep_h": 1,
    "tiles_rebuild_time_limit_s": 1,
    "digest_time_limit_s": 1,
    "proxy_count": 0,
    "link_hours": 1,
}


def current_settings() -> Settings:
    """The settings of the app handling this request (or running this command)."""
    return current_app.extensions["fieldapp.settings"]


def _int(env: dict[str, str], name: str, default: int, minimum: int = 1) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be an integer, not {raw!r}") from None
    if value < minimum:
        raise SettingsError(f"{name} must be at least {minimum}, not {value}")
    return value


def _bool(env: dict[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw == "":
        return default
    if raw in ("1", "true", "on", "yes"):
        return True
    if raw in ("0", "false", "off", "no"):
        return False
    raise SettingsError(f"{name} must be on or off, not {raw!r}")
