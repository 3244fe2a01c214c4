"""The application factory: settings -> extensions -> blueprints and hooks -> errors -> CLI."""

from __future__ import annotations

import json
import logging

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from fieldapp.config import PROJECT_ROOT, Settings


def create_app(settings: Settings | None = None) -> Flask:
    """Build the Flask app from settings (read from the environment when not given)."""
    settings = settings or Settings.from_env()
    settings.check()
    app = Flask(
        "fieldapp",
        static_folder=str(PROJECT_ROOT / "static"),
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    configure(app, settings)
    register_template_globals(app)
    # Before the extensions: CSRF checks read the form, so the import limit must be raised first.
    register_hooks(app)
    register_extensions(app, settings)
    register_blueprints(app)
    register_api(app)
    register_errors(app)
    register_cli(app)
    configure_logging(app)
    return app


def configure(app: Flask, settings: Settings) -> None:
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=not (settings.development or settings.testing),
        WTF_CSRF_TIME_LIMIT=None,
        TESTING=settings.testing,
    )
    app.extensions["fieldapp.settings"] = settings
    if settings.proxy_count:
        # Behind nginx every request comes from 127.0.0.1: sign-in limits need the client's address.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]  # Flask's documented way to add middleware
            app.wsgi_app, x_for=settings.proxy_count, x_proto=settings.proxy_count
        )


def register_template_globals(app: Flask) -> None:
    from fieldapp.contributors.attribution import credited
    from fieldapp.geodata import COASTLINE_CREDIT
    from fieldapp.headers import csp_nonce, nonced
    from fieldapp.pwa.modules import module_preloads
    from fieldapp.ui import ANNOTATION_WORDS, OUTLINE_STYLE, PLACE_KIND_LABELS, kind_label, kind_word, word

    # Fixed words only: a template global runs on every page, so it must never query.
    # outline_style: the small Leaflet maps (static/js/map.js) draw the outline as the folium maps do.
    # module_preloads reads the static files' import lines (cached while they are unchanged), never the database.
    app.jinja_env.globals.update(
        annotation_words=ANNOTATION_WORDS,
        csp_nonce=csp_nonce,
        outline_style=json.dumps(OUTLINE_STYLE),
        # The online tile layer over the offline coastline, when the deployment has one (static/js/map.js).
        base_tiles={
            "url": app.extensions["fieldapp.settings"].base_tiles_url,
            "attribution": app.extensions["fieldapp.settings"].base_tiles_attribution,
        },
        coast_credit=COASTLINE_CREDIT,
        # Who a record credits, in the page's language ("unknown contributor" when SQL knows nobody).
        credited=credited,
        module_preloads=module_preloads,
        kind_label=kind_label,
        kind_word=kind_word,
        word=word,
        place_kinds=PLACE_KIND_LABELS,
    )
    app.jinja_env.filters["nonced"] = nonced


def register_extensions(app: Flask, settings: Settings) -> None:
    # Every model, so that each foreign key finds its table whichever capability a command or
    # request touches first (`fieldapp demo` in a fresh process met observation -> import_file).
    import fieldapp.models  # noqa: F401
    from fieldapp.accounts.auth import current_user, init_auth
    from fieldapp.db import init_db
    from fieldapp.i18n import init_i18n

    init_db(app, settings)
    init_auth(app)
    # The account's language first; current_user() is resolved once per request and cached.
    init_i18n(app, lambda: user.language if (user := current_user()) is not None else None)


def register_blueprints(app: Flask) -> None:
    from fieldapp.accounts.views import bp as accounts_views
    from fieldapp.annotations.views import bp as annotation_views
    from fieldapp.comparison.views import bp as comparison_views
    from fieldapp.consent.views import bp as consent_views
    from fieldapp.contributors.views import bp as contributor_views
    from fieldapp.datasets.views import bp as dataset_views
    from fieldapp.forms.views import bp as form_views
    from fieldapp.maps.api import bp as tiles
    from fieldapp.maps.views import bp as map_views
    from fieldapp.notifications.views import bp as notification_views
    from fieldapp.observations.views import bp as observation_views
    from fieldapp.ogcapi.views import bp as ogc_api
    from fieldapp.participation.views import bp as participation_views
    from fieldapp.people.views import bp as people_views
    from fieldapp.places.views import bp as place_views
    from fieldapp.projects.views import bp as projects_views
    from fieldapp.pwa.views import bp as pwa
    from fieldapp.sensing.views import bp as sensing_views
    from fieldapp.site.views import bp as site_views
    from fieldapp.subjects.views import bp as subject_views
    from fieldapp.transfer.views import bp as transfer_views

    app.register_blueprint(map_views)
    app.register_blueprint(dataset_views)
    app.register_blueprint(tiles, url_prefix="/tiles")
    app.register_blueprint(pwa)
    app.register_blueprint(accounts_views)
    app.register_blueprint(site_views)
    app.register_blueprint(observation_views)
    app.register_blueprint(subject_views)
    app.register_blueprint(place_views)
    app.register_blueprint(comparison_views)
    app.register_blueprint(contributor_views)
    app.register_blueprint(annotation_views)
    app.register_blueprint(participation_views)
    app.register_blueprint(sensing_views)
    app.register_blueprint(projects_views)
    app.register_blueprint(transfer_views)
    app.register_blueprint(form_views)
    app.register_blueprint(ogc_api)
    app.register_blueprint(consent_views)
    app.register_blueprint(people_views)
    app.register_blueprint(notification_views)


def register_api(app: Flask) -> None:
    """Every JSON API blueprint under one prefix; their writes by cookie are checked by protect_cookie_writes."""
    from fieldapp.accounts.api import bp as tokens_api
    from fieldapp.accounts.auth import csrf
    from fieldapp.annotations.api import bp as annotations_api
    from fieldapp.api import API_PREFIX, protect_cookie_writes
    from fieldapp.api import bp as api
    from fieldapp.comparison.api import bp as comparison_api
    from fieldapp.consent.api import bp as consent_api
    from fieldapp.contributors.api import bp as contributors_api
    from fieldapp.datasets.api import bp as datasets_api
    from fieldapp.forms.api import bp as forms_api
    from fieldapp.notifications.api import bp as notifications_api
    from fieldapp.observations.api import bp as observations_api
    from fieldapp.people.api import bp as people_api
    from fieldapp.places.api import bp as places_api
    from fieldapp.projects.api import bp as projects_api
    from fieldapp.sensing.api import bp as sensing_api
    from fieldapp.subjects.api import bp as subjects_api
    from fieldapp.transfer.api import bp as transfer_api

    blueprints = (
        api,
        observations_api,
        datasets_api,
        comparison_api,
        consent_api,
        sensing_api,
        projects_api,
        forms_api,
        annotations_api,
        subjects_api,
        places_api,
        contributors_api,
        transfer_api,
        tokens_api,
        notifications_api,
        people_api,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint, url_prefix=API_PREFIX)
        csrf.exempt(blueprint)
    names = frozenset(blueprint.name for blueprint in blueprints)
    app.before_request(lambda: protect_cookie_writes(names))


def register_hooks(app: Flask) -> None:
    """App-wide request hooks (Flask runs them in the order they are registered)."""
    from fieldapp.consent.views import ask_for_consent
    from fieldapp.db import remember_writes
    from fieldapp.guard import refuse_hostile_input
    from fieldapp.headers import security_headers
    from fieldapp.pwa.compression import gzip_response
    from fieldapp.static_urls import version_static_urls
    from fieldapp.transfer.views import allow_large_imports

    app.url_defaults(version_static_urls)

    app.before_request(allow_large_imports)
    # Reads the form too, so after the import limit is raised; before any view, to answer 400 naming the parameter.
    app.before_request(refuse_hostile_input)
    # After the input checks: a signed-in person who has not agreed to the current terms is asked first.
    app.before_request(ask_for_consent)
    app.after_request(gzip_response)
    # Every response, pages, API, files and errors alike, carries the policy and security headers.
    app.after_request(security_headers)
    # With read replicas, a write tells its client how far the primary's WAL is (read-your-writes).
    app.after_request(remember_writes)


def register_errors(app: Flask) -> None:
    from fieldapp.errors import register_error_handlers

    register_error_handlers(app)


def register_cli(app: Flask) -> None:
    from fieldapp.cli import register_commands

    register_commands(app)


def configure_logging(app: Flask) -> None:
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
