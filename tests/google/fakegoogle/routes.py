"""Drive v3 and Sheets v4 URL routing: which store operation a request means."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.google.fakegoogle.common import ApiError, Request, Response, check_fields, parse_fields, select
from tests.google.fakegoogle.files import FILE_FIELDS, ME
from tests.google.fakegoogle.uploads import Session, multipart_upload, simple_upload

if TYPE_CHECKING:
    from tests.google.fakegoogle.server import FakeGoogle

_DEFAULT_FILE_FIELDS = parse_fields("kind,id,name,mimeType")
_DEFAULT_LIST_FIELDS = parse_fields("kind,incompleteSearch,nextPageToken,files(kind,id,name,mimeType)")
_LIST_ALLOWED: dict[str, set[str] | None] = {
    "kind": None,
    "nextPageToken": None,
    "incompleteSearch": None,
    "files": FILE_FIELDS,
}
_FILE_ALLOWED: dict[str, set[str] | None] = {name: None for name in FILE_FIELDS}


def _params(req: Request) -> dict[str, str]:
    return {k: v[-1] for k, v in req.query.items()}


def file_out(resource: dict[str, Any], params: dict[str, str]) -> Response:
    tree = parse_fields(params["fields"]) if "fields" in params else _DEFAULT_FILE_FIELDS
    check_fields(tree, _FILE_ALLOWED)
    return Response.json(select(resource, tree))


def finish_upload(fake: FakeGoogle, session: Session, req: Request) -> Response:
    media = (bytes(session.data), session.media_type)
    if session.file_id is None:
        res = fake.drive.create(session.params, session.meta, media, req.caller)
    else:
        res = fake.drive.update(session.file_id, session.params, session.meta, media, req.caller)
    return file_out(res, session.params)


def drive(fake: FakeGoogle, req: Request, api: str) -> Response:
    params = _params(req)
    segs = req.segments
    method = req.method
    if api == "upload":
        rest = segs[3:] if segs[:3] == ["upload", "drive", "v3"] else []
        if not rest or rest[0] != "files" or len(rest) > 2:
            raise ApiError(404, "notFound", "Not Found")
        file_id = rest[1] if len(rest) == 2 else None
        upload_id = params.get("upload_id")
        if upload_id and method == "PUT":
            return fake.uploads.put(req, upload_id, lambda s: finish_upload(fake, s, req))
        if (method, file_id is None) not in (("POST", True), ("PATCH", False)):
            raise ApiError(405, "badRequest", f"{method} is not allowed here")
        kind = params.get("uploadType")
        if kind == "resumable":
            if file_id is not None:
                fake.drive.get(file_id, params, req.caller)
            return fake.uploads.start(req, file_id, params)
        if kind == "multipart":
            meta, media = multipart_upload(req)
        elif kind == "media":
            meta, media = simple_upload(req)
        else:
            raise ApiError(400, "badRequest", "Invalid uploadType", location="uploadType")
        if file_id is None:
            return file_out(fake.drive.create(params, meta, media, req.caller), params)
        return file_out(fake.drive.update(file_id, params, meta, media, req.caller), params)
    rest = segs[2:] if segs[:2] == ["drive", "v3"] else []
    if rest == ["about"] and method == "GET":
        if "fields" not in params:
            raise ApiError(400, "required", "The 'fields' parameter is required for this method.", location="fields")
        about = {
            "kind": "drive#about",
            "user": {**ME, "emailAddress": req.caller.client_id if req.caller.service_account else ME["emailAddress"]},
        }
        return Response.json(select(about, parse_fields(params["fields"])))
    if rest == ["files"] and method == "GET":
        tree = parse_fields(params["fields"]) if "fields" in params else _DEFAULT_LIST_FIELDS
        check_fields(tree, _LIST_ALLOWED)
        return Response.json(select(fake.drive.list(params, tree, req.caller), tree))
    if rest == ["files"] and method == "POST":
        return file_out(fake.drive.create(params, req.json(), None, req.caller), params)
    if rest == ["files", "generateIds"] and method == "GET":
        return Response.json(fake.drive.generate_ids(params))
    if len(rest) == 2 and rest[0] == "files":
        if method == "GET":
            if params.get("alt") == "media":
                data, mime = fake.drive.media(rest[1], params, req.caller)
                return Response.raw(data, mime)
            return file_out(fake.drive.view(fake.drive.get(rest[1], params, req.caller), req.caller.project), params)
        if method == "PATCH":
            return file_out(fake.drive.update(rest[1], params, req.json(), None, req.caller), params)
        if method == "DELETE":
            fake.drive.delete(rest[1], params)
            return Response(204)
    if len(rest) == 3 and rest[0] == "files" and rest[2] == "export" and method == "GET":
        data, mime = fake.drive.export(rest[1], params, req.caller)
        return Response.raw(data, mime)
    raise ApiError(404, "notFound", f"Not Found: {method} {req.raw_path}")


# -- Sheets --------------------------------------------------------------------------------


def sheets(fake: FakeGoogle, req: Request) -> Response:
    segs = req.segments[2:]  # after v4/spreadsheets
    params = _params(req)
    method = req.method
    if not segs:
        raise ApiError(404, "notFound", "Not Found")
    book_id, _, verb = segs[0].partition(":")
    drive_file = fake.drive.files.get(book_id)
    if method != "GET" and drive_file is not None and drive_file.role == "reader":
        raise ApiError(403, "PERMISSION_DENIED", "The caller does not have permission")
    if len(segs) == 1:
        if method == "GET" and not verb:
            data = fake.sheets.get(book_id)
            tree = parse_fields(params["fields"]) if "fields" in params else None
            return Response.json(select(data, tree))
        if method == "POST" and verb == "batchUpdate":
            return Response.json(fake.sheets.batch_update(book_id, req.json()))
    elif segs[1] == "values:batchGet" and method == "GET":
        return Response.json(fake.sheets.values_batch_get(book_id, req.query.get("ranges", []), params))
    elif segs[1] == "values:batchUpdate" and method == "POST":
        return Response.json(fake.sheets.values_batch_update(book_id, req.json()))
    elif segs[1] == "values" and len(segs) == 3:
        if method == "GET":
            return Response.json(fake.sheets.values_get(book_id, segs[2], params))
        if method == "PUT":
            return Response.json(fake.sheets.values_update(book_id, segs[2], params, req.json()))
    raise ApiError(404, "notFound", f"Not Found: {method} {req.raw_path}")
