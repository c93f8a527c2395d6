"""A loopback fake of Google's Drive v3, Sheets v4 and OAuth endpoints for tests.

Start it with the ``fake_google`` fixture (``tests/google/fakegoogle/fixtures.py``), which also sets
``PLANGEN_GOOGLE_API_ROOT`` so the real google-api-python-client talks to it, and blocks any
connection that would leave the machine. Useful handles on the yielded :class:`FakeGoogle`:

* seeding: ``add_folder``, ``add_file``, ``add_doc``, ``add_sheet``, ``add_shared_drive``,
  ``join_shared_drive`` (the user's role and the drive's members), ``add_shortcut``, ``trash``,
  ``share`` (a person, a domain or anyone), ``share_as`` (the user's own role), ``human_edit``;
  inspection: ``file(id)``, ``files(name=..., parent=...)``, ``sheets.grid(id, tab)``;
* the request log: ``calls(method, path_regex, api=..., in_batch=..., upload_type=...)``,
  ``count(...)``, ``clear_log()``;
* behaviour: ``max_page_size``, ``latency``, ``fail(status | "drop" | "drop_after", ...)``,
  ``clear_faults()``, ``set_write_limit(per_second, status=403|429)`` (no Retry-After, as Drive),
  ``disable_api("drive" | "sheets")``, ``drive.search_lag`` (seconds before files.list finds a new
  file), ``drive.generated_ids_on_convert`` (False, as documented: a converting create refuses
  generated IDs), ``drive.keeps_modified_time``, ``oauth`` (token and /revoke endpoint state).
"""

from tests.google.fakegoogle.common import ApiError, Request, Response
from tests.google.fakegoogle.server import DROP, DROP_AFTER, FakeGoogle, LoggedRequest

__all__ = [
    "DROP",
    "DROP_AFTER",
    "ApiError",
    "FakeGoogle",
    "LoggedRequest",
    "Request",
    "Response",
]
