"""The register and the service report in a real browser: filtering by the form (no
JavaScript), and axe-core on both pages, on a phone and a desktop, in Indonesian and
English. Browser and axe handling are those of test_accessibility.py."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ppid.models import InformationItem, InformationRequest

from ..test_ppid_register import make_document, make_item, make_unit
from .test_accessibility import PASSES, audit, axe_script, describe, new_context  # noqa: F401
from .test_browser_journey import browser  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db(transaction=True)


def seed():
    humas = make_unit("Biro Hubungan Masyarakat", order=1)
    dinas = make_unit("Dinas Komunikasi dan Informatika", order=2)
    item = make_item(title="Rencana Strategis Biro Humas 2026-2030", unit=humas)
    item.documents.add(make_document("Renstra Biro Humas"))
    make_item(title="Peringatan Dini Banjir Rob", unit=dinas, classification="serta-merta")
    make_item(
        title="Berkas Penyidikan Pelanggaran Disiplin",
        unit=humas,
        classification=InformationItem.Classification.EXEMPT,
        exemption_until=datetime.date(2030, 12, 31),
    )
    zone = timezone.get_default_timezone()
    today = timezone.localdate()
    for number, decision in enumerate(["granted", "refused", "partly_granted", ""], 1):
        registered = datetime.datetime(today.year, today.month, 1, 9, tzinfo=zone)
        InformationRequest.objects.create(
            number=f"{number:03d}/PPID/{today.year}",
            registered_at=registered,
            due_date=today,
            status="answered" if decision else "received",
            decision=decision,
            refusal_basis="Pasal 17 huruf b" if decision == "refused" else "",
            answered_at=registered + datetime.timedelta(days=3) if decision else None,
            name="Pemohon",
            nik="3374010101010001",
            address="Semarang",
            phone="0812",
            email="pemohon@example.com",
            information="Data",
            purpose="Penelitian",
            receive_method="melihat",
            copy_method="email",
        )


def test_the_register_filters_with_its_form_alone(live_server, browser):  # noqa: F811
    seed()
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/ppid/daftar-informasi/")
        expect(page.locator(".register-item h2")).to_have_count(3)

        page.locator("#filter-jenis").select_option("dikecualikan")
        page.locator("form.filters button[type=submit]").click()

        expect(page.locator(".register-item h2")).to_have_text(
            ["Berkas Penyidikan Pelanggaran Disiplin"]
        )
        assert "jenis=dikecualikan" in page.url
        expect(page.locator(".register-basis")).to_contain_text("Pasal 17 huruf b")
        csv_link = page.locator("#register-downloads a").first
        assert csv_link.get_attribute("href").endswith("unduh/csv/?jenis=dikecualikan")
    finally:
        context.close()


def test_register_and_report_have_no_serious_accessibility_violations(
    live_server,
    browser,  # noqa: F811 - the imported fixture
    axe_script,  # noqa: F811 - the imported fixture
    subtests,
):
    seed()
    paths = [("register", "/ppid/daftar-informasi/"), ("report", "/ppid/laporan/")]
    for pass_name, viewport, language in PASSES:
        context = new_context(browser, live_server.url, viewport, language)
        try:
            page = context.new_page()
            for name, path in paths:
                with subtests.test(msg=f"{name} ({pass_name})", path=path):
                    response = page.goto(live_server.url + path)
                    assert response.ok
                    failing, _others = audit(page, axe_script)
                    assert not failing, f"{name} ({pass_name}):\n{describe(failing)}"
        finally:
            context.close()
