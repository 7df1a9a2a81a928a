"""The one exception every handler raises, and how each service renders it."""

import uuid

from flask import g, jsonify

# Styles: "service" = SDRS/VBS/ECS body ({"error":{code,message}} or flat, per config),
# "gateway" = API-gateway body (auth, throttling, unknown URL), "keystone", "nova".


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, style: str | None = None,
                 headers: dict | None = None):
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.style = style
        self.headers = headers or {}


def bad(code: str, message: str) -> ApiError:
    """SDRS/VBS business error: 400 unless the code is known to map elsewhere."""
    return ApiError(400, code, message)


def gateway(status: int, code: str, message: str, headers: dict | None = None) -> ApiError:
    return ApiError(status, code, message, style="gateway", headers=headers)


def render(err: ApiError, error_shape: str = "nested"):
    """Build the Flask response for an ApiError according to its style."""
    style = err.style or _default_style()
    if style == "gateway":
        body = {"error_code": err.code, "error_msg": err.message,
                "request_id": uuid.uuid4().hex}
    elif style == "keystone":
        title = {401: "Unauthorized", 403: "Forbidden", 404: "Not Found"}.get(err.status, "Bad Request")
        body = {"error": {"code": err.status, "message": err.message, "title": title}}
    elif style == "nova":
        key = {404: "itemNotFound", 403: "forbidden", 409: "conflictingRequest"}.get(err.status, "badRequest")
        body = {key: {"code": err.status, "message": err.message}}
    elif error_shape == "flat":
        body = {"error_code": err.code, "error_msg": err.message}
    else:
        body = {"error": {"code": err.code, "message": err.message}}
    resp = jsonify(body)
    resp.status_code = err.status
    for k, v in err.headers.items():
        resp.headers[k] = v
    return resp


def _default_style() -> str:
    service = getattr(g, "service", None)
    if service == "iam":
        return "keystone"
    if service == "nova":
        return "nova"
    if service in ("sdrs", "vbs", "ecs"):
        return "service"
    return "gateway"
