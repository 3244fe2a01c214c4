"""Settings default to production: development mode only when asked for, no secret-less production."""

from __future__ import annotations

import re

import pytest

from fieldapp import create_app
from fieldapp.config import PROJECT_ROOT, Settings, SettingsError


def test_without_fieldapp_env_the_settings_are_production_and_need_a_secret():
    with pytest.raises(SettingsError, match="FIELDAPP_SECRET_KEY is required in production"):
        Settings.from_env({})
    settings = Settings.from_env({"FIELDAPP_SECRET_KEY": "s3cret-from-the-vault"})
    assert settings.development is False
    assert settings.secret_key == "s3cret-from-the-vault"


def test_development_is_only_what_is_asked_for_by_name():
    settings = Settings.from_env({"FIELDAPP_ENV": "development"})
    assert settings.development is True
    assert len(settings.secret_key) >= 32
    assert Settings.from_env({"FIELDAPP_ENV": "development"}).secret_key != settings.secret_key
    with pytest.raises(SettingsError, match="FIELDAPP_ENV must be one of production, development"):
        Settings.from_env({"FIELDAPP_ENV": "dev", "FIELDAPP_SECRET_KEY": "x"})


def test_an_app_is_not_built_for_production_without_a_secret():
    with pytest.raises(SettingsError, match="FIELDAPP_SECRET_KEY"):
        create_app(Settings(database_url="postgresql+psycopg:///unused"))


def test_login_limits_come_from_the_environment():
    env = {"FIELDAPP_ENV": "development", "FIELDAPP_LOGIN_ADDRESS_FAILURES_ALLOWED": "50", "FIELDAPP_PROXY_COUNT": "1"}
    settings = Settings.from_env(env)
    assert (settings.login_address_failures_allowed, settings.proxy_count) == (50, 1)
    with pytest.raises(SettingsError, match="FIELDAPP_LOGIN_BACKOFF_S must be at least 1"):
        Settings.from_env(env | {"FIELDAPP_LOGIN_BACKOFF_S": "0"})


def test_make_run_asks_for_development_mode():
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    assert re.search(r"^run: export FIELDAPP_ENV = development$", makefile, re.MULTILINE)


# Deployment limits (sizes, counts) each read from FIELDAPP_<FIELD> and checked at start-up.
LIMITS = {
    "photo_max_bytes": 15 * 1024 * 1024,
    "archive_max_members": 2000,
    "archive_max_unpacked_bytes": 4 * 1024**3,
    "archive_max_ratio": 200,
    "ogc_page_size": 10,
    "ogc_page_max": 10_000,
    "api_batch_max": 1000,
    "api_page_size": 100,
    "api_page_max": 10_000,
    "job_time_limit_s": 3600,
    "job_lease_s": 30,
    "job_attempts_max": 3,
    "count_exact_max": 20_000,
    "count_exact_ms": 15,
}


def test_every_deployment_limit_is_a_setting_read_from_the_environment():
    base = {"FIELDAPP_ENV": "development"}
    defaults = Settings.from_env(base)
    for name, default in LIMITS.items():
        assert getattr(defaults, name) == default, name
        variable = f"FIELDAPP_{name.upper()}"
        assert getattr(Settings.from_env(base | {variable: str(default + 1)}), name) == default + 1, name
        with pytest.raises(SettingsError, match=variable):
            Settings.from_env(base | {variable: "0"})
        with pytest.raises(SettingsError, match=variable):
            Settings.from_env(base | {variable: "lots"})
    with pytest.raises(SettingsError, match="FIELDAPP_OGC_PAGE_SIZE"):
        Settings.from_env(base | {"FIELDAPP_OGC_PAGE_SIZE": "500", "FIELDAPP_OGC_PAGE_MAX": "100"})
    with pytest.raises(SettingsError, match="FIELDAPP_API_PAGE_SIZE"):
        Settings.from_env(base | {"FIELDAPP_API_PAGE_SIZE": "500", "FIELDAPP_API_PAGE_MAX": "100"})


def test_every_setting_is_documented_in_the_readme():
    readme = (PROJECT_ROOT / "README.md").read_text()
    for name in Settings.__dataclass_fields__:
        if name in ("database_url", "secret_key", "media_dir", "development", "testing"):
            continue  # DATABASE_URL, FIELDAPP_SECRET_KEY, FIELDAPP_MEDIA_DIR and FIELDAPP_ENV are documented apart
        if name == "database_replica_urls":
            assert "DATABASE_REPLICA_URLS" in readme
            continue
        assert f"FIELDAPP_{name.upper()}" in readme, name


# Module-level limits that stay where they are, and why. Anything else named like a limit belongs in
# config.Settings (deployment: sizes, counts, timeouts) or rules.py (what a field may hold).
NOT_SETTINGS = {
    # The largest generalisation cell: the CHECK constraints' bound, beside the floor's rule.
    "geoprivacy/cells.py": {"MAX_CELL_M"},
    # How photos are decoded and copied (JPEG's reduced decoding, the public copy's size), not limits.
    "observations/media.py": {"JPEG_MAX_REDUCTION", "PUBLIC_MAX_SIDE"},
    # The tile pyramid and the map's zoom range: the maps' geometry, not an operator's choice.
    "maps/tiles.py": {"MAX_ZOOM", "AGGREGATE_MAX_ZOOM"},
    "maps/builders.py": {"MAX_ZOOM"},
    "comparison/views.py": {"CELL_TILE_MAX_AGE_S"},
    # How many rejected rows an import report lists one by one (the counts are always complete), and how
    # many stated trends the sensing page lists: what a page shows, not what the deployment bears.
    "transfer/importer.py": {"MAX_LISTED"},
    "sensing/queries.py": {"MAX_STATEMENTS"},
    # How many subjects a name search lists unless asked for more (the API's limit=, at most 100).
    "subjects/queries.py": {"SEARCH_LIMIT"},
    # How many refused rows a places import lists one by one (the count is always complete).
    "transfer/place_import.py": {"LISTED"},
    # The sensing query's bin count, a parameter's range (small multiples stay readable).
    "sensing/schemas.py": {"MAX_BINS"},
    # The comparison's cell_m range, taken from rules.COMPARISON_CELL_M.
    "comparison/schemas.py": {"MAX_CELL_M"},
    # The importer's text lengths, taken from rules.TEXT_MAX; the largest count circle on the map.
    "transfer/rows.py": {"LIMITS"},
    "ui.py": {"COUNT_RADIUS_MAX"},
    # The memory bound of a per-process cache of viewers' closed datasets (emptied when full), not a limit.
    "access.py": {"CLOSED_SEEN_MAX"},
}
ASSIGNED = re.compile(r"^([A-Z_][A-Z0-9_]*(?:, *[A-Z_][A-Z0-9_]*)*) *(?::[^=\n]*)?= ", re.MULTILINE)
LIMIT_WORDS = ("MAX", "LIMIT", "BYTES", "MEMBERS", "RATIO", "TIMEOUT")


def limit_names(source: str) -> set[str]:
    """Module-level constants whose names say they are limits."""
    names = {n.strip().lstrip("_") for m in ASSIGNED.finditer(source) for n in m.group(1).split(",")}
    return {n for n in names if any(word in n for word in LIMIT_WORDS)}


def test_no_module_keeps_a_deployment_limit_of_its_own():
    found = {}
    for path in (PROJECT_ROOT / "fieldapp").rglob("*.py"):
        relative = str(path.relative_to(PROJECT_ROOT / "fieldapp"))
        if relative in ("config.py", "rules.py"):
            continue
        names = limit_names(path.read_text()) - NOT_SETTINGS.get(relative, set())
        if names:
            found[relative] = names
    assert found == {}


def test_mail_settings_come_from_the_environment():
    base = {"FIELDAPP_ENV": "development"}
    assert Settings.from_env(base).smtp_url == ""
    env = base | {"FIELDAPP_SMTP_URL": "smtps://park:pw@mail.example.org", "FIELDAPP_MAIL_FROM": "park@example.org"}
    settings = Settings.from_env(env | {"FIELDAPP_LINK_HOURS": "24"})
    assert (settings.smtp_url, settings.mail_from, settings.link_hours) == (
        env["FIELDAPP_SMTP_URL"],
        "park@example.org",
        24,
    )
    with pytest.raises(SettingsError, match="FIELDAPP_SMTP_URL"):
        Settings.from_env(base | {"FIELDAPP_SMTP_URL": "mail.example.org"})
    with pytest.raises(SettingsError, match="FIELDAPP_LINK_HOURS"):
        Settings.from_env(base | {"FIELDAPP_LINK_HOURS": "0"})
