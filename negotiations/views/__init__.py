"""The record's own pages (server-rendered, outside the admin): the dashboard (dashboard.py), the record
pages (records.py) and the user's calendar address (calendar.py). Views are thin: they read through
negotiations/selectors.py and write through negotiations/services.py, as the API does."""
