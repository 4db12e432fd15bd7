"""One-click unsubscribe from a campaign e-mail: the link (GET) and RFC 8058's POST.

No sign-in and no CSRF token: the signed link is the proof, and a mail client's one-click POST
(``List-Unsubscribe=One-Click``) carries no cookie. Both withdraw marketing consent at the
cooperative at once and answer with a confirmation page in the person's language.
"""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from culturecoop.campaigns.unsubscribe import link_key, signature, unsubscribe
from culturecoop.web.deps import SettingsDep, WarehouseDep
from culturecoop.web.render import render_fragment, request_language

router = APIRouter(include_in_schema=False)
PATH = "/unsubscribe/{campaign_id}/{recipient_id}/{sig}"
TEST_RECIPIENT = "test"  # campaigns.sender.TEST_RECIPIENT (not imported: the web app keeps the sender out)


def _answer(request: Request, warehouse: WarehouseDep, settings: SettingsDep, campaign_id: str, recipient_id: str,
            sig: str, source: str) -> HTMLResponse:
    if recipient_id == TEST_RECIPIENT and hmac.compare_digest(sig, signature(link_key(settings.server_secret), campaign_id, recipient_id)):
        # The link of a member's test message: it names nobody; say what it does in the real e-mail.
        html = render_fragment(request_language(request), "unsubscribe.html", {"done": None, "test": True})
        return HTMLResponse(html, headers={"Cache-Control": "no-store"})
    done = unsubscribe(warehouse, settings.server_secret, campaign_id, recipient_id, sig, source)
    if done is None:
        html = render_fragment(request_language(request), "unsubscribe.html", {"done": None})
        return HTMLResponse(html, status_code=404, headers={"Cache-Control": "no-store"})
    html = render_fragment(done.language, "unsubscribe.html", {"done": done})
    return HTMLResponse(html, headers={"Cache-Control": "no-store"})


@router.get(PATH)
def unsubscribe_link(request: Request, warehouse: WarehouseDep, settings: SettingsDep, campaign_id: str,
                     recipient_id: str, sig: str) -> HTMLResponse:
    """The link in the e-mail: unsubscribed at once, a confirmation page, no further step."""
    return _answer(request, warehouse, settings, campaign_id, recipient_id, sig, "unsubscribe_link")


@router.post(PATH)
def unsubscribe_one_click(request: Request, warehouse: WarehouseDep, settings: SettingsDep, campaign_id: str,
                          recipient_id: str, sig: str) -> HTMLResponse:
    """RFC 8058: the mail client's POST with ``List-Unsubscribe=One-Click``."""
    return _answer(request, warehouse, settings, campaign_id, recipient_id, sig, "one_click")
