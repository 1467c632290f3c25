"""Alembic environment: migrations run on the engine handed over by supplyline.store.migrate."""

from alembic import context

from supplyline.store.schema import every_table

engine = context.config.attributes["engine"]

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=every_table(),
        render_as_batch=engine.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
