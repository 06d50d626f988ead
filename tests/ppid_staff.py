"""Helpers for the PPID staff's tests: requests made with a chosen clock, staff in the
PPID group, and a frozen "now"."""

from datetime import date, datetime, time
from itertools import count

from django.utils import timezone

from ppid.models import InformationRequest, Objection

from .factories import make_user

WIB = timezone.get_fixed_timezone(7 * 60)
_seq = count(1)


def at(day: date, hour=10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=WIB)


def freeze(monkeypatch, day: date, hour=10):
    """Now is `day` at `hour` WIB, for everything that asks django.utils.timezone."""
    moment = at(day, hour)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


def make_request(*, registered: date, due: date, **fields) -> InformationRequest:
    n = next(_seq)
    fields.setdefault("number", f"PPID-{registered.year}-{n:05d}")
    fields.setdefault("name", "Siti Aminah")
    fields.setdefault("nik", "3374014507900002")
    fields.setdefault("address", "Jl. Pemuda No. 1, Semarang")
    fields.setdefault("phone", "081234567890")
    fields.setdefault("email", "siti.aminah@example.com")
    fields.setdefault("information", "Daftar penerima beasiswa Jateng Cerdas tahun 2025.")
    fields.setdefault("purpose", "Penelitian skripsi.")
    fields.setdefault("receive_method", "salinan-elektronik")
    fields.setdefault("copy_method", "email")
    return InformationRequest.objects.create(registered_at=at(registered), due_date=due, **fields)


def make_objection(*, request, registered: date, due: date, **fields) -> Objection:
    n = next(_seq)
    fields.setdefault("number", f"KEB-{registered.year}-{n:05d}")
    fields.setdefault("grounds", Objection.Grounds.NOT_ANSWERED)
    fields.setdefault("case", "Permohonan saya belum dijawab.")
    return Objection.objects.create(
        request=request, registered_at=at(registered), due_date=due, **fields
    )


def make_staff(group, **fields):
    """A staff member in `group` (PPID, or a newsroom role)."""
    user = make_user(is_staff=True, **fields)
    user.groups.add(group)
    return user
