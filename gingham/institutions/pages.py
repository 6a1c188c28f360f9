"""The sandbox institutions' logos, served to Link's panes."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from gingham import errors
from gingham.institutions import logos

# The same institution id always draws the same logo: browsers may keep it a day and revalidate
# after that.
_CACHE_CONTROL = "public, max-age=86400"


async def logo(request: Request) -> Response:
    institution_id = request.path_params["institution_id"]
    png = logos.logo_png(institution_id)
    if png is None:
        raise errors.route_not_found(request.url.path)
    return Response(
        png,
        media_type="image/png",
        headers={"Cache-Control": _CACHE_CONTROL, "X-Content-Type-Options": "nosniff"},
    )


def routes() -> list[BaseRoute]:
    return [Route(logos.PATH_PREFIX + "{institution_id}.png", logo, methods=["GET"])]
