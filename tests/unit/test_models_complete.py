"""A fresh process that only creates the app knows every table a foreign key names."""

from __future__ import annotations

import subprocess
import sys

from fieldapp.config import PROJECT_ROOT

CHECK = """
from fieldapp import create_app
from fieldapp.config import Settings
from fieldapp.db import Base
create_app(Settings(database_url="postgresql+psycopg:///unused", development=True))
for table in Base.metadata.sorted_tables:
    for key in table.foreign_keys:
        key.column  # raises NoReferencedTableError when the referenced table's model was never imported
print(len(Base.metadata.tables))
"""


def test_every_foreign_key_resolves_in_a_fresh_process():
    done = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout.split()[-1]) >= 20


HEAVY = """
import sys
from fieldapp import create_app
from fieldapp.config import Settings
create_app(Settings(database_url="postgresql+psycopg:///unused", development=True))
print(" ".join(sorted(m for m in ("openpyxl", "pyxform", "scipy", "pymannkendall", "pyogrio") if m in sys.modules)))
"""


def test_a_web_worker_loads_no_heavy_library_it_rarely_needs():
    """The photo decoder's memory budget has no room for them: XLSForm's libraries load on a form import
    only, GDAL (pyogrio) on a GIS file."""
    done = subprocess.run([sys.executable, "-c", HEAVY], capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == ""
