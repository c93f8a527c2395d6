"""generator.google.auth.once: a request whose answer is lost is not sent again behind plangen's back.

httplib2 (googleapiclient's default transport) re-sends a request once when its connection closes
without an answer; the send-once clients do not, so plangen can look before it tries again.
"""

from __future__ import annotations

import pytest
from google.oauth2.credentials import Credentials

from generator.errors import GoogleApiError
from generator.google.auth import client as g
from generator.google.auth.once import SendOnceHttp, once_service
from tests.google.fakegoogle import DROP_AFTER, FakeGoogle

GRID_WRITES = r"/spreadsheets/[^/]+:batchUpdate$"


def widen(service, sheet: str) -> dict:
    body = {"requests": [{"appendDimension": {"sheetId": 0, "dimension": "COLUMNS", "length": 2}}]}
    return service.spreadsheets().batchUpdate(spreadsheetId=sheet, body=body)


def test_httplib2_re_sends_a_post_whose_answer_was_lost(fake_google: FakeGoogle) -> None:
    sheet = fake_google.add_sheet("Caseload", {"Tab": [["Student ID"]]})
    fake_google.fail(DROP_AFTER, method="POST", path=GRID_WRITES)
    g.execute(widen(g.build_service(*g.SHEETS, Credentials(token="t")), sheet), retries=0)
    assert fake_google.count("POST", GRID_WRITES) == 2 and fake_google.sheets.books[sheet].tabs[0].cols == 30


def test_a_send_once_client_reports_the_loss_instead(fake_google: FakeGoogle) -> None:
    sheet = fake_google.add_sheet("Caseload", {"Tab": [["Student ID"]]})
    fake_google.fail(DROP_AFTER, method="POST", path=GRID_WRITES)
    service = once_service(g.SHEETS, Credentials(token="t"))
    with pytest.raises(GoogleApiError, match="the connection to Google kept failing") as lost:
        g.execute(widen(service, sheet), retries=0)
    assert lost.value.status is None
    assert fake_google.count("POST", GRID_WRITES) == 1 and fake_google.sheets.books[sheet].tabs[0].cols == 28
    assert g.execute(widen(service, sheet))["spreadsheetId"] == sheet  # and works like any client
    assert once_service(g.SHEETS, service._http.session.credentials) is service  # one per thread and sign-in


def test_answers_and_errors_come_back_as_googleapiclient_expects(fake_google: FakeGoogle) -> None:
    files = once_service(g.DRIVE, Credentials(token="t")).files()
    made = g.execute(files.create(body={"name": "x", "mimeType": g.FOLDER_MIME}, fields="id,name"))
    assert made["name"] == "x"
    with pytest.raises(GoogleApiError, match="404 notFound"):
        g.execute(files.get(fileId="1Missing000000000000000", fields="id"), retries=0)
    http = SendOnceHttp(Credentials(token="t"))
    response, content = http.request(fake_google.url + "drive/v3/files?fields=files(id)")
    assert response.status == 200 and b'"files"' in content
    http.close()
