#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into an empty database and an empty media folder.
#
#   createdb fieldapp_restored
#   DATABASE_URL=postgresql:///fieldapp_restored FIELDAPP_MEDIA_DIR=/srv/fieldapp/media-restored \
#     deploy/restore.sh /backups/fieldapp-20260101T020000Z
#   DATABASE_URL=postgresql:///fieldapp_restored .venv/bin/fieldapp db check
#
# The dump creates the PostGIS extension itself. Then point the app at the restored database.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 BACKUP_DIR" >&2; exit 2; }
url="${DATABASE_URL:?set DATABASE_URL to the empty database to restore into}"
url="${url/postgresql+psycopg:/postgresql:}"
media="${FIELDAPP_MEDIA_DIR:?set FIELDAPP_MEDIA_DIR to the folder to restore the photos into}"
pg_restore --exit-on-error --no-owner --dbname="$url" "$1/fieldapp.dump"
if [ -f "$1/media.tar" ]; then
  mkdir -p "$media"
  tar -C "$media" -xf "$1/media.tar"
fi
echo "restored $1"
