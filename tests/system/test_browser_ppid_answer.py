"""The PPID's answer in a real browser (Chromium via Playwright): a citizen files a
request (test_browser_ppid.file_request), a PPID staff member takes it in the admin and
answers it with a signed letter and a document chosen from the library, and the citizen
gets the mail with both attached and reads the answer on the status page: the issue's
"done when", from the form to the answered request.
"""

import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from ppid.models import InformationRequest, Objection
from ppid.workdays import add_working_days

from ..factories import make_user
from ..test_documents import make_document
from ..test_documents_upload import pdf_bytes
from .test_accessibility import PASSES, audit, axe_script, describe, new_context  # noqa: F401
from .test_browser_journey import TIMEOUT_MS, browser  # noqa: F401 - the shared browser
from .test_browser_ppid import EMAIL, PHONE, file_request

# live_server needs a transactional database: the server thread must see the test's rows.
pytestmark = pytest.mark.django_db(transaction=True)

STAFF = ("petugas-ppid", "sandi-petugas-ppid-2026")
ANSWER = "Bersama ini kami sampaikan daftar penerima beasiswa Jateng Cerdas tahun 2025."
DOCUMENT = "Daftar Penerima Beasiswa Jateng Cerdas 2025"


def test_ppid_staff_answer_with_a_document_and_the_citizen_receives_it(
    live_server,
    browser,  # noqa: F811
    ppid_group,
):
    staff = make_user(
        username=STAFF[0], password=STAFF[1], is_staff=True, email="ppid@jatengprov.go.id"
    )
    staff.groups.add(ppid_group)
    # Not published: the mail is its only way to the citizen.
    document = make_document(title=DOCUMENT, is_published=False)

    citizens = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    desk = browser.new_context()
    for context in (citizens, desk):
        context.set_default_timeout(TIMEOUT_MS)
    try:
        # 1. The citizen's request; its due date is on the holiday calendar.
        citizen = citizens.new_page()
        number = file_request(citizen, live_server.url)
        info = InformationRequest.objects.get(number=number)
        assert info.due_date == add_working_days(timezone.localdate(info.registered_at), 10)
        mail.outbox.clear()

        # 2. The PPID staff member signs in and finds it in the list, most urgent first.
        page = desk.new_page()
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("#id_username", STAFF[0])
        page.fill("#id_password", STAFF[1])
        page.locator("#login-form [type=submit]").click()
        expect(page).to_have_url(f"{live_server.url}/admin/")
        expect(page.locator("#ppid-dashboard")).to_be_visible()
        page.goto(f"{live_server.url}/admin/ppid/informationrequest/")
        page.get_by_role("link", name=number).click()
        expect(page.locator("#ppid-clock")).not_to_be_empty()

        # 3. Takes it, and answers: the decision, the letter, the signed PDF, the document
        # found through the library's search.
        page.locator("#ppid-take").click()
        expect(page.locator("#ppid-assigned")).to_contain_text(STAFF[0])
        page.locator("#ppid-answer").click()
        form = page.locator("#ppid-answer-form")
        form.locator('input[name="decision"][value="granted"]').check()
        form.locator('[name="answer"]').fill(ANSWER)
        form.locator('[name="letter"]').set_input_files(
            files=[
                {
                    "name": "surat-jawaban.pdf",
                    "mimeType": "application/pdf",
                    "buffer": pdf_bytes("Surat Jawaban PPID"),
                }
            ]
        )
        # A select2 of several choices: its search box sits in the field itself.
        form.locator(".field-documents .select2-selection").click()
        form.locator(".field-documents .select2-search__field").fill("Beasiswa")
        page.locator(".select2-results__option", has_text=DOCUMENT).click()
        expect(page.locator("#id_documents")).to_have_value(str(document.pk))
        page.locator("#ppid-answer-send").click()
        expect(page).to_have_url(
            f"{live_server.url}/admin/ppid/informationrequest/{info.pk}/change/"
        )
        expect(page.locator("#ppid-steps li")).to_have_count(3)  # received, taken, answered

        info.refresh_from_db()
        assert (info.status, info.decision) == ("answered", "granted")
        assert list(info.documents.all()) == [document]

        # 4. The citizen's mail: the letter's text, the signed letter and the document.
        [answer] = mail.outbox
        assert answer.to == [EMAIL]
        assert number in answer.subject
        assert ANSWER in answer.body
        names = [name for name, _content, _type in answer.attachments]
        assert names == [f"surat-jawaban-{number}.pdf", document.filename]
        assert all(content.startswith(b"%PDF-") for _n, content, _t in answer.attachments)

        # 5. And the status page shows the answer with the document.
        citizen.goto(f"{live_server.url}/ppid/status/?nomor={number}")
        citizen.locator('#ppid-status-form [name="email"]').fill(EMAIL)
        citizen.locator('#ppid-status-form button[type="submit"]').click()
        answer_section = citizen.locator("#request-answer")
        expect(answer_section).to_contain_text(ANSWER)
        expect(answer_section).to_contain_text(DOCUMENT)
        expect(citizen.locator("#objection-link")).to_be_visible()
        assert re.search(r"/ppid/keberatan/\?nomor=", citizen.content())
    finally:
        citizens.close()
        desk.close()


def test_a_citizen_files_an_objection_and_its_pages_pass_axe(
    live_server,
    browser,  # noqa: F811
    axe_script,  # noqa: F811 - the imported fixture
    subtests,
):
    """The objection form (empty, sent with errors) and its thank-you page, as
    test_accessibility.py runs axe-core: a phone and a desktop in Indonesian, a phone in
    English; each pass files its own objection against its own answered request."""
    for n, (pass_name, viewport, language) in enumerate(PASSES):
        info = InformationRequest.objects.create(
            number=f"PPID-2026-{90 + n:05d}", registered_at=timezone.now(),
            due_date=timezone.localdate(), status="answered", decision="refused",
            refusal_basis="Pasal 17 huruf h.", answer="Ditolak.", answered_at=timezone.now(),
            name="Siti Aminah", nik="3374014507900002", address="Semarang",
            phone="081234567890", email=EMAIL, information="Data.", purpose="Riset.",
            receive_method="salinan-elektronik", copy_method="email",
        )  # fmt: skip
        context = new_context(browser, live_server.url, viewport, language)
        try:
            page = context.new_page()

            def check(name, page=page, pass_name=pass_name):
                with subtests.test(msg=f"{name} ({pass_name})"):
                    failing, _others = audit(page, axe_script)
                    assert not failing, f"{name} ({pass_name}):\n{describe(failing)}"

            page.goto(f"{live_server.url}/ppid/keberatan/?nomor={info.number}")
            form = page.locator("#ppid-objection-form")
            expect(form.locator('[name="number"]')).to_have_value(info.number)
            check("objection form")
            form.locator('button[type="submit"]').click()
            expect(page.locator(".errors").first).to_be_visible()
            check("objection form with errors")
            form = page.locator("#ppid-objection-form")
            form.locator('[name="email"]').fill(EMAIL)
            form.locator('input[name="grounds"][value="a"]').check()
            form.locator('[name="case"]').fill("Informasi ini bukan yang dikecualikan.")
            form.locator('button[type="submit"]').click()
            expect(page.locator("#objection-number")).to_have_text(re.compile(r"KEB-\d{4}-\d{5}"))
            check("objection registered")
        finally:
            context.close()
    assert Objection.objects.count() == len(PASSES)
