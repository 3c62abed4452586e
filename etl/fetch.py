"""Fetch a URL with timeouts, retries with backoff, and conditional requests."""

from __future__ import annotations

import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from dealradar import __version__
from dealradar.errors import InputError

log = logging.getLogger(__name__)
USER_AGENT = f"DealRadar/{__version__} (+https://example.org/dealradar)"


@dataclass
class FetchResult:
    """What a fetch returned; `not_modified` when the server answered 304."""

    url: str
    status: int
    content: bytes
    content_type: str
    etag: str | None
    last_modified: str | None
    not_modified: bool = False


def fetch(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    timeout: float = 20.0,
    retries: int = 3,
    backoff: float = 1.0,
) -> FetchResult:
    """GET `url`; retry network errors and 5xx/429 with exponential backoff, then raise InputError."""
    headers = {"User-Agent": USER_AGENT, "Accept": "*/*"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    last_err = ""
    for attempt in range(retries + 1):
        req = urllib.request.Request(url, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return FetchResult(
                    url=url,
                    status=resp.status,
                    content=resp.read(),
                    content_type=resp.headers.get("Content-Type", ""),
                    etag=resp.headers.get("ETag"),
                    last_modified=resp.headers.get("Last-Modified"),
                )
        except urllib.error.HTTPError as e:
            if e.code == 304:
                return FetchResult(url, 304, b"", "", etag, last_modified, not_modified=True)
            last_err = f"HTTP {e.code} {e.reason}"
            if e.code < 500 and e.code != 429:
                break
        except (urllib.error.URLError, TimeoutError, OSError) as e:
            last_err = str(getattr(e, "reason", e))
        if attempt < retries:
            wait = backoff * (2**attempt)
            log.warning("fetch %s failed (%s); retry %d/%d in %.1fs", url, last_err, attempt + 1,
                        retries, wait)
            time.sleep(wait)
    raise InputError(f"{url}: could not fetch ({last_err}) after {retries + 1} attempts")
