"""Why an upload was refused, kept until the page that shows the slot is drawn again.

Django's messages would show the refusal at the top of the page, far from the slot, and the script's
background upload used to consume them on the redirect it followed. A refusal is therefore kept per slot
in the session (no-JavaScript path) or answered as JSON (the script's path), and the page prints it in
the slot's panel.
"""

from django.http import HttpRequest

SESSION_KEY = "collection_upload_refusals"


def remember_refusals(request: HttpRequest, *, slot: str, errors: list[str]) -> None:
    """Keep ``errors`` for ``slot`` until the next page that shows the slots takes them."""
    refusals = dict(request.session.get(SESSION_KEY, {}))
    refusals[slot] = errors
    request.session[SESSION_KEY] = refusals


def take_refusals(request: HttpRequest) -> dict[str, list[str]]:
    """The refusals kept per slot, removed from the session so a reload does not repeat them."""
    refusals: dict[str, list[str]] = request.session.pop(SESSION_KEY, {})
    return refusals


def is_background_request(request: HttpRequest) -> bool:
    """The page script's upload (kuaiji.js sends this header); it wants JSON, not a redirect."""
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"
