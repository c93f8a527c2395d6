"""Who plangen is to Google and how it talks to it: links and ids, the run's one sign-in, the API client.

``ids`` and ``options`` load no Google library (the CLI and pipeline import them on every run); the
rest imports google-auth and google-api-python-client. Imports nothing from ``drive/`` or ``sheets/``."""
