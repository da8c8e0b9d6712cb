"""docs/analysts.md shows exactly the questions the code and its test hold."""

from __future__ import annotations

from pathlib import Path

from rrec_pipeline.analysts import ANALYST_TABLES, QUESTIONS
from rrec_pipeline.resources.storage.analyst_db import create_statements

DOC = (Path(__file__).resolve().parents[2] / "docs" / "analysts.md").read_text()


def test_every_question_is_in_the_doc_verbatim() -> None:
    assert len(QUESTIONS) == 11
    for question in QUESTIONS:
        assert question.title in DOC and question.sql + ";" in DOC, question.title


def test_every_table_is_documented_with_comments_from_the_registry() -> None:
    for table in ANALYST_TABLES:
        assert f"`{table.name}`" in DOC
        statements = create_statements(table)
        assert statements[0].startswith(f"CREATE TABLE IF NOT EXISTS {table.name} (")
        commented = [s for s in statements if s.startswith("COMMENT ON COLUMN")]
        assert len(commented) == sum(1 for text in table.table.columns.values() if text)
        assert commented, f"{table.name} has column comments"
