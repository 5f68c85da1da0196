"""A curator's TOTP device setup page: a QR code to scan, and the secret and address to type."""

import re
from base64 import b32encode

import pytest
import segno
from django.utils.html import escape
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

INLINE = re.compile(r"""\sstyle=|<style\b|<script\b|\son[a-z]+=|javascript:""", re.I)


def dark_modules(svg: str) -> str:
    """The path segno draws through the dark modules: the same for the same data at any scale."""
    return re.search(r'<path[^>]*\bstroke="#000"[^>]*\bd="([^"]+)"', svg).group(1)


@pytest.fixture
def device(admin_user):
    return TOTPDevice.objects.create(user=admin_user, name="phone")


def test_the_setup_page_draws_the_device_address_as_an_inline_qr_code(admin_client, device):
    page = admin_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/")

    assert page.status_code == 200
    # The admin draws its own icons in SVG too: the QR code is the one that says what it is.
    svg = re.search(r'<svg role="img" aria-label="QR code[^"]*".*?</svg>', page.text, re.S).group()
    assert dark_modules(svg) == dark_modules(segno.make(device.config_url).svg_inline())
    assert dark_modules(svg) != dark_modules(segno.make(device.config_url + "0").svg_inline())
    # Readable by screen readers, and nothing for the Content-Security-Policy to block.
    assert 'aria-label="QR code of the authenticator app address below"' in svg
    assert "<title>QR code of the authenticator app address below</title>" in svg
    assert not INLINE.findall(svg)
    # No second request for an image, no script of django-otp's own page.
    assert "qrcode.js" not in page.text
    assert "<img" not in page.text


def test_the_setup_page_keeps_the_secret_and_the_address_for_typing_in(admin_client, device):
    page = admin_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/")

    assert f"<code>{b32encode(device.bin_key).decode()}</code>" in page.text
    assert f"<code>{escape(device.config_url)}</code>" in page.text
    assert "otpauth://totp/EU%20Cluster%20Portal%3Aadmin?secret=" in device.config_url


def test_the_setup_page_is_for_staff_who_may_see_devices_only(client, editor, device):
    client.force_login(editor)
    response = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/")
    assert response.status_code == 403
