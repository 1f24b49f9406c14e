"""The review workspace's pages: the queue and the article view (workspace.py), and the forms that take an
article into the record (record_forms.py). Thin views over review/selectors.py and review/services.py."""
