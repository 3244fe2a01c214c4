"""Each SQL file holds one function or trigger, named as the file is."""

from fieldapp import sql
from fieldapp.maps.tiles import STORED_LEVELS


def test_each_file_is_one_entity_named_as_the_file():
    files = sorted(p.stem for p in sql.SQL_DIR.glob("*/*.sql"))
    assert sorted(sql.entity_name(e) for e in sql.entities()) == files


def test_leading_comments_are_not_sent():
    text = sql.statement(sql.SQL_DIR / "functions" / "fieldapp_generalise.sql")
    assert text.startswith("CREATE OR REPLACE FUNCTION public.fieldapp_generalise(")
    assert text.endswith("$$")


def test_tiles_read_the_grid_levels_the_map_cells_function_keeps():
    text = sql.statement(sql.SQL_DIR / "functions" / "fieldapp_map_cells.sql")
    assert f"unnest(ARRAY[{', '.join(map(str, STORED_LEVELS))}])" in text
