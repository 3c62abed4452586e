"""Fetch a URL with timeouts, retries with backoff, and conditional requests."""

from __future__ import annotations

import http.client
import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from dealradar import __version__
from dealradar.errors import InputError

log = logging.getLogger(__name__)
USER_AGENT = f"DealRadar/{__version__} (+https://example.org/dealradar)"
DEFAULT_TIMEOUT = 20.0   # seconds per attempt
DEFAULT_RETRIES = 3      # retries after the first attempt
DEFAULT_BACKOFF = 1.0    # seconds before the first retry; doubled before each next one
_sleep = time.sleep      # tests replace it to record the waits


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
    timeout: float | None = None,
    retries: int | None = None,
    backoff: float | None = None,
) -> FetchResult:
    """GET `url`; retry network errors and 5xx/429 with exponential backoff, then raise InputError.

    `timeout`, `retries` and `backoff` default to DEFAULT_TIMEOUT, DEFAULT_RETRIES and DEFAULT_BACKOFF.
    A 304 answer to the conditional request (ETag / Last-Modified) comes back as `not_modified`.
    """
    timeout = DEFAULT_TIMEOUT if timeout is None else timeout
    retries = DEFAULT_RETRIES if retries is None else retries
    backoff = DEFAULT_BACKOFF if backoff is None else backoff
    headers = {"User-Agent": USER_AGENT, "Accept": "*/*"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    last_err, attempts = "", 0
    for attempt in range(retries + 1):
        attempts = attempt + 1
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
        except (urllib.error.URLError, TimeoutError, OSError, http.client.HTTPException) as e:
            last_err = str(getattr(e, "reason", e)) or type(e).__name__
        except ValueError as e:  # not a URL urllib can fetch
            raise InputError(f"{url}: cannot fetch ({e})") from e
        if attempt < retries:
            wait = backoff * (2**attempt)
            log.warning("fetch %s failed (%s); retry %d/%d in %.1fs", url, last_err, attempt + 1,
                        retries, wait)
            _sleep(wait)
    raise InputError(f"{url}: could not fetch ({last_err}) after {attempts} attempt{'s' if attempts > 1 else ''}")
