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
