"""The sandbox institutions' logos: 152x152 PNGs drawn per bank, and the route Link loads them
from."""

from __future__ import annotations

import io

from PIL import Image
from starlette.testclient import TestClient

from gingham.institutions import catalogue, logos


class TestDrawLogo:
    def test_every_institution_has_a_152_px_png(self) -> None:
        for institution in catalogue.CATALOGUE:
            png = logos.logo_png(institution.institution_id)
            assert png is not None
            image = Image.open(io.BytesIO(png))
            assert image.format == "PNG"
            assert image.size == (152, 152)

    def test_the_same_bank_always_draws_the_same_bytes(self) -> None:
        drawn = logos.draw_logo("First Platypus Bank", "#1f8ded")
        assert drawn == logos.draw_logo("First Platypus Bank", "#1f8ded")
        assert drawn != logos.draw_logo("Tartan Bank", "#1f8ded")

    def test_the_mark_takes_the_brand_colour(self) -> None:
        image = Image.open(io.BytesIO(logos.draw_logo("Tartan Bank", "#c53030"))).convert("RGBA")
        # Near the edge, inside the rounded corners: the brand colour itself.
        assert image.getpixel((76, 4)) == (0xC5, 0x30, 0x30, 255)
        # The corner is transparent, so the mark sits on whatever the page is.
        assert image.getpixel((0, 0))[3] == 0

    def test_initials_tell_banks_apart(self) -> None:
        assert logos.initials("First Platypus Bank") == "FP"
        assert logos.initials("Bank of America") == "BA"
        assert logos.initials("Tartan-Dominion Bank of Canada") == "TD"
        assert logos.initials("Chase") == "C"

    def test_text_reads_on_every_brand_colour(self) -> None:
        for institution in catalogue.CATALOGUE:
            background, ink = logos.mark_colors(institution.primary_color)
            assert logos._contrast(background, ink) >= 4.5, institution.name


class TestLogoRoute:
    def test_serves_the_png_with_cache_headers(self, client: TestClient) -> None:
        response = client.get("/link/v2/stable/institutions/logos/ins_109508.png")
        assert response.status_code == 200
        assert response.headers["content-type"] == "image/png"
        assert "max-age" in response.headers["cache-control"]
        assert response.content == logos.logo_png("ins_109508")

    def test_unknown_institution_is_not_found(self, client: TestClient) -> None:
        response = client.get("/link/v2/stable/institutions/logos/ins_999999.png")
        assert response.status_code == 404
        assert response.json()["error_code"] == "NOT_FOUND"


class TestCatalogueUrls:
    def test_each_sandbox_bank_has_a_home_page_of_its_own(self) -> None:
        urls = [i.url for i in catalogue.CATALOGUE if i.url]
        # The two Flexible Platypus banks (UK and EU) are one brand with a site per region.
        assert len(set(urls)) == len(urls)
        assert "https://plaid.com" not in urls
        assert all(url.startswith("https://") for url in urls)
