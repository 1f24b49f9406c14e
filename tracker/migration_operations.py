"""Migration operations for indexes that only PostgreSQL can build (SQLite skips them).

Such an index lives outside the model state (no `Meta.indexes` entry), so makemigrations leaves it
alone; the tests that need it check on PostgreSQL that the planner uses it.
"""

from django.db import models
from django.db.migrations.operations.base import Operation


class AddIndexOnPostgres(Operation):
    reversible = True

    def __init__(self, model_name: str, index: models.Index):
        self.model_name, self.index = model_name, index

    def deconstruct(self):
        return self.__class__.__qualname__, [], {"model_name": self.model_name, "index": self.index}

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.add_index(to_state.apps.get_model(app_label, self.model_name), self.index)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.remove_index(from_state.apps.get_model(app_label, self.model_name), self.index)

    def describe(self):
        return f"Create index {self.index.name} on {self.model_name}, PostgreSQL only"
