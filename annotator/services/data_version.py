"""The project's data version: a counter raised in the same transaction as every write that
changes what the agreement report reads, so the stored report is known fresh by comparing
one number (services.agreement.fingerprint) instead of scanning the annotations.

The writes that raise it: an annotation saved, submitted, skipped or withdrawn when it was or
becomes submitted (a draft of a never-submitted annotation changes nothing the report
reads); a gold saved; a document deleted or restored; an import. Label-set changes and a
new current model are in the fingerprint itself.
"""

from __future__ import annotations

from annotator import sql

_BUMP_SQL = "UPDATE annotator_project SET data_version = data_version + 1 WHERE id = %s"


def bump_data_version(project_id: int) -> None:
    """Mark the project's stored agreement reports stale; call it inside the write's
    transaction (as its last statement: on PostgreSQL the project row stays locked until the
    commit), so the mark commits or rolls back with the write."""
    sql.execute(_BUMP_SQL, [project_id])
