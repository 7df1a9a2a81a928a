"""SDK-HMAC-SHA256 (AK/SK) signature verification, per API doc §7.2."""

import hashlib
import hmac
import re
from datetime import datetime, timezone
from urllib.parse import parse_qsl, quote, unquote

from .errors import gateway

ALGORITHM = "SDK-HMAC-SHA256"
EMPTY_HASH = hashlib.sha256(b"").hexdigest()
_AUTH_RE = re.compile(
    r"^SDK-HMAC-SHA256\s+Access=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-fA-F]+)\s*$")


def _enc(s: str) -> str:
    return quote(s, safe="~")


def canonical_uri(raw_path: str) -> str:
    uri = "/".join(_enc(seg) for seg in unquote(raw_path).split("/"))
    return uri if uri.endswith("/") else uri + "/"


def canonical_query(raw_query: str) -> str:
    # parse_qsl also accepts `+` for spaces, so clients using form encoding still verify.
    pairs = sorted(parse_qsl(raw_query, keep_blank_values=True))
    return "&".join(f"{_enc(k)}={_enc(v)}" for k, v in pairs)


def _header(headers, name: str) -> str:
    value = headers.get(name, "")
    try:  # the server decoded raw bytes as latin-1; signers hashed the UTF-8 text
        value = value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        pass
    return value.strip()


def canonical_request(method: str, raw_path: str, raw_query: str, headers,
                      signed: list, body: bytes) -> str:
    canon_headers = "".join(f"{h}:{_header(headers, h)}\n" for h in signed)
    if not body:
        payload = EMPTY_HASH
    else:
        payload = headers.get("X-Sdk-Content-Sha256") or hashlib.sha256(body).hexdigest()
    return "\n".join([method.upper(), canonical_uri(raw_path), canonical_query(raw_query),
                      canon_headers, ";".join(signed), payload])


def verify(request, credentials: dict, clock_skew: float, now_ts: float) -> dict:
    """Return the credential record of a validly signed request, else raise a 401."""
    match = _AUTH_RE.match(request.headers.get("Authorization", "").strip())
    if not match:
        raise _fail("unsupported or malformed Authorization header")
    access, signed_str, signature = match.groups()
    cred = credentials.get(access)
    if cred is None:
        raise _fail("access key not found")
    if cred.get("security_token") and request.headers.get("X-Security-Token") != cred["security_token"]:
        raise _fail("security token missing or wrong for this temporary access key")
    date = request.headers.get("X-Sdk-Date", "")
    try:
        signed_at = datetime.strptime(date, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc).timestamp()
    except ValueError:
        raise _fail("missing or malformed X-Sdk-Date") from None
    if abs(now_ts - signed_at) > clock_skew:
        raise _fail("X-Sdk-Date outside the allowed clock skew")
    signed = signed_str.lower().split(";")
    raw_uri = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or request.full_path
    raw_path, _sep, raw_query = raw_uri.partition("?")
    if raw_path.startswith(("http://", "https://")):  # absolute-form request target
        raw_path = "/" + raw_path.split("/", 3)[-1]
    creq = canonical_request(request.method, raw_path, raw_query, request.headers, signed,
                             request.get_data(cache=True))
    to_sign = f"{ALGORITHM}\n{date}\n{hashlib.sha256(creq.encode('utf-8')).hexdigest()}"
    expected = hmac.new(cred["secret"].encode("utf-8"), to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature.lower()):
        raise _fail("verify aksk signature fail")
    return cred


def _fail(reason: str):
    return gateway(401, "APIGW.0301", f"Incorrect IAM authentication information: {reason}")
