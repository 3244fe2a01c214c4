#!/usr/bin/env bash
# Back up fieldapp: the database (pg_dump's custom format: consistent, restorable table by table) and
# the media folder (photos; the database names them), into one new folder named by the time.
#
#   DATABASE_URL=postgresql:///fieldapp FIELDAPP_MEDIA_DIR=/srv/fieldapp/media deploy/backup.sh /backups
#
# Prints the folder it wrote. Run it daily (a systemd timer or cron) and keep copies off the machine.
# tests/integration/test_backup.py backs up a database with this script and restores it with restore.sh.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 DEST_DIR" >&2; exit 2; }
url="${DATABASE_URL:-postgresql:///fieldapp}"
url="${url/postgresql+psycopg:/postgresql:}" # the app's SQLAlchemy form, as libpq reads it
media="${FIELDAPP_MEDIA_DIR:-var/media}"
dest="$1/fieldapp-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$dest"
pg_dump --format=custom --file="$dest/fieldapp.dump" --dbname="$url"
# Photos are written before their rows commit and never changed after, so copying them after the dump
# holds every photo the dump names.
if [ -d "$media" ]; then
  tar -C "$media" -cf "$dest/media.tar" .
fi
echo "$dest"
