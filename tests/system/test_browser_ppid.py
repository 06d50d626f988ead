"""A citizen asks the PPID for information in a real browser (Chromium via Playwright):
fills the request form with a photo of their KTP, reads the registration number on the
page and in the email, and follows the request on the status page.

`file_request()` is the citizen's half, for tests that go on to the staff's answer.
"""

import re

from django.core import mail
from playwright.sync_api import expect

from ppid.models import InformationRequest

from ..factories import jpeg_bytes
from .test_accessibility import PASSES, audit, axe_script, describe, new_context  # noqa: F401
from .test_browser_journey import TIMEOUT_MS, browser  # noqa: F401 - the shared browser

EMAIL = "siti.aminah@example.com"
NUMBER = re.compile(r"PPID-\d{4}-\d{5}")
STATUS_LINK = re.compile(r"https?://[^\s/]+/ppid/status/\?nomor=PPID-\d{4}-\d{5}")
PHONE = {"width": 360, "height": 740}


def file_request(page, base_url, *, email=EMAIL, information=None, with_scan=True) -> str:
    """Fill and send /ppid/permohonan/ as a citizen would; the registration number the
    thank-you page shows. Fields are found by name, not by their (translated) labels."""
    page.goto(f"{base_url}/ppid/permohonan/")
    form = page.locator("#ppid-request-form")
    form.locator('input[name="applicant_kind"][value="perorangan"]').check()
    form.locator('[name="name"]').fill("Siti Aminah")
    form.locator('[name="nik"]').fill("3374 0145 0790 0002")
    form.locator('[name="address"]').fill("Jl. Pemuda No. 1, Semarang")
    form.locator('[name="phone"]').fill("0812-3456-7890")
    form.locator('[name="email"]').fill(email)
    form.locator('[name="information"]').fill(
        information or "Daftar penerima beasiswa Jateng Cerdas tahun 2025."
    )
    form.locator('[name="purpose"]').fill("Penelitian skripsi.")
    form.locator('input[name="receive_method"][value="salinan-elektronik"]').check()
    form.locator('input[name="copy_method"][value="email"]').check()
    if with_scan:
        form.locator('[name="id_scan"]').set_input_files(
            files=[{"name": "ktp.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}]
        )
    form.locator('[name="consent"]').check()
    form.locator('button[type="submit"]').click()
    expect(page).to_have_url(f"{base_url}/ppid/permohonan/terkirim/")
    number = page.locator("#registration-number")
    expect(number).to_have_text(NUMBER)
    return number.inner_text()


def test_a_citizen_files_a_request_gets_the_number_by_email_and_checks_its_status(
    live_server,
    browser,  # noqa: F811
):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        # 1. From the PPID's page to the form.
        page.goto(f"{live_server.url}/ppid/")
        page.locator('a[href="/ppid/permohonan/"]').first.click()
        expect(page).to_have_url(f"{live_server.url}/ppid/permohonan/")
        # A form sent empty comes back with its errors, tied to their fields.
        page.locator('#ppid-request-form button[type="submit"]').click()
        expect(page.locator("#id_nik_error")).to_be_visible()
        expect(page.locator("#id_nik")).to_have_attribute("aria-invalid", "true")
        assert not InformationRequest.objects.exists()

        # 2. Filled in properly: the number on the page.
        number = file_request(page, live_server.url)
        info = InformationRequest.objects.get()
        assert info.number == number
        assert info.id_scan.name.endswith(".jpg")
        expect(page.locator("#due-date")).to_have_attribute("datetime", info.due_date.isoformat())
        # The page fits the phone: nothing wider than the screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        # 3. And in the email, with the status link.
        assert [message.to for message in mail.outbox] == [[EMAIL]]
        message = mail.outbox[0]
        assert number in message.subject and number in message.body
        link = STATUS_LINK.search(message.body)
        assert link and link.group().endswith(number), message.body

        # 4. The status page, from the email's link: the number is filled in already.
        page.goto(link.group())
        status_form = page.locator("#ppid-status-form")
        expect(status_form.locator('[name="number"]')).to_have_value(number)
        status_form.locator('[name="email"]').fill(EMAIL.upper())
        status_form.locator('button[type="submit"]').click()
        expect(page).to_have_url(f"{live_server.url}/ppid/status/")
        status = page.locator("#request-status")
        expect(status).to_contain_text(number)
        expect(page.locator("#request-state")).not_to_be_empty()
        expect(page.locator("#request-clock")).not_to_be_empty()
        expect(status.locator("time").first).to_have_attribute("datetime", re.compile("\\+07:00$"))

        # 5. Someone else, with the number but not the email, learns nothing.
        other = context.browser.new_context()
        try:
            stranger = other.new_page()
            stranger.goto(link.group())
            stranger.locator('#ppid-status-form [name="email"]').fill("tebak@example.com")
            stranger.locator('#ppid-status-form button[type="submit"]').click()
            expect(stranger.locator(".form-errors")).to_be_visible()
            expect(stranger.locator("#request-status")).to_have_count(0)
        finally:
            other.close()
    finally:
        context.close()


def test_the_citizens_pages_have_no_serious_accessibility_violations(
    live_server,
    browser,  # noqa: F811 - the imported fixture
    axe_script,  # noqa: F811 - the imported fixture
    subtests,
):
    """axe-core on the landing page, the form (empty and sent with errors), the
    thank-you page and the status page with a request, as test_accessibility.py runs it:
    a phone and a desktop in Indonesian, a phone in English."""
    for pass_name, viewport, language in PASSES:
        context = new_context(browser, live_server.url, viewport, language)
        try:
            page = context.new_page()

            def check(name, page=page, pass_name=pass_name):
                with subtests.test(msg=f"{name} ({pass_name})"):
                    failing, _others = audit(page, axe_script)
                    assert not failing, f"{name} ({pass_name}):\n{describe(failing)}"

            page.goto(f"{live_server.url}/ppid/")
            check("landing")
            page.goto(f"{live_server.url}/ppid/permohonan/")
            check("request form")
            page.locator('#ppid-request-form button[type="submit"]').click()
            expect(page.locator(".form-errors, .errors").first).to_be_visible()
            check("request form with errors")
            email = f"{pass_name.split()[0]}-{language or 'id'}@example.com"
            number = file_request(page, live_server.url, email=email)
            check("thank-you page")
            page.goto(f"{live_server.url}/ppid/status/?nomor={number}")
            check("status form")
            page.locator('#ppid-status-form [name="email"]').fill(email)
            page.locator('#ppid-status-form button[type="submit"]').click()
            expect(page.locator("#request-status")).to_be_visible()
            check("status page")
        finally:
            context.close()
