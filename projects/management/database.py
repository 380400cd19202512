"""Management commands that need the database set up say so in one line, not in a traceback."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor


def unapplied_migrations(alias: str = DEFAULT_DB_ALIAS) -> int:
    executor = MigrationExecutor(connections[alias])
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


class DatabaseCommand(BaseCommand):
    """A command that reads or writes the project's tables: it stops first if they are not all there."""

    def execute(self, *args, **options):
        if missing := unapplied_migrations():
            name = connections[DEFAULT_DB_ALIAS].settings_dict["NAME"]
            raise CommandError(
                f"数据库 {name} 还有 {missing} 个迁移未执行：先运行 python manage.py migrate（或 ./dev serve）"
            )
        return super().execute(*args, **options)
