"""Alembic environment of the practice register: runs on the caller's connection.

:func:`riskcore.store.engine.migrate` passes its open connection (already in a
transaction holding the writers' lock) as ``config.attributes["connection"]``.
"""

from __future__ import annotations

from alembic import context

from riskcore.store.schema import metadata


def run() -> None:
    """Run the migrations on the connection the caller passed."""
    connection = context.config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


if getattr(context, "config", None) is not None:  # run by Alembic, not imported
    run()
