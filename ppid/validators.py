"""The request form's checks: the NIK's shape, an Indonesian phone number, and the
identity scan's content.

A NIK (Nomor Induk Kependudukan, UU 24/2013) is 16 digits: province (1-2), regency or
city (3-4), district (5-6), date of birth DDMMYY with 40 added to a woman's day (7-12),
and a serial (13-16). Only what can be checked without Dukcapil's database is: the
province code is one Kemendagri gives, the birth date is a date, and the digits are not
all the same (1111111111111111 passes the first two). A NIK that passes is still only
well-formed; staff compare it with the scan when they need to.
"""

import calendar
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from documents.checks import check_pdf, sniff

# Kemendagri's province codes (Kepmendagri 100.1.1-6117/2022): 91-96 are the Papua
# provinces, 93-96 made in 2022.
PROVINCE_CODES = frozenset(
    (11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53,
     61, 62, 63, 64, 65, 71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96)
)  # fmt: skip
# What people type around the digits: spaces, dots, dashes, brackets.
SEPARATORS = re.compile(r"[\s.\-()/]")
# A photographed card is a few megapixels; this is far above any, far below a bomb.
MAX_SCAN_PIXELS = 40_000_000
SCAN_TYPES = {"jpg": "image/jpeg", "png": "image/png", "pdf": "application/pdf"}


def clean_nik(value: str) -> str:
    """The NIK as 16 digits, or ValidationError with what is wrong."""
    nik = SEPARATORS.sub("", value or "")
    if not nik.isascii() or not nik.isdigit():
        raise ValidationError(_("A NIK is made of digits only."), code="nik_digits")
    if len(nik) != 16:
        raise ValidationError(
            _("A NIK has 16 digits; this one has %(count)s."),
            code="nik_length",
            params={"count": len(nik)},
        )
    if len(set(nik)) == 1:
        raise ValidationError(
            _("This is not a NIK: all its digits are the same."), code="nik_repeated"
        )
    if int(nik[:2]) not in PROVINCE_CODES:
        raise ValidationError(
            _("The first two digits of a NIK are a province code; %(code)s is none."),
            code="nik_province",
            params={"code": nik[:2]},
        )
    if not is_birth_date(nik[6:12]):
        raise ValidationError(
            _(
                "Digits 7 to 12 of a NIK are the date of birth (DDMMYY, with 40 added to the "
                "day for women); %(digits)s is not a date."
            ),
            code="nik_birth_date",
            params={"digits": nik[6:12]},
        )
    return nik


def is_birth_date(digits: str) -> bool:
    day, month, year = int(digits[:2]), int(digits[2:4]), int(digits[4:])
    if day > 40:
        day -= 40
    if not 1 <= month <= 12 or day < 1:
        return False
    # The century is not in the NIK: 29 February is a date if either century has it.
    longest = max(
        calendar.monthrange(1900 + year, month)[1], calendar.monthrange(2000 + year, month)[1]
    )
    return day <= longest


def clean_phone(value: str) -> str:
    """An Indonesian number as its national form (0812..., 024...), or ValidationError.

    Accepted: 0 then a non-zero digit, or +62 / 62 then a non-zero digit; 10 to 15 digits
    in the national form (mobile numbers are 10-13, a landline with its area code 9-11
    and some are shorter than 10; those we ask to give a mobile number).
    """
    phone = SEPARATORS.sub("", value or "")
    if phone.startswith("+62"):
        phone = "0" + phone[3:]
    elif phone.startswith("62"):
        phone = "0" + phone[2:]
    if not (
        phone.isascii()
        and phone.isdigit()
        and phone.startswith("0")
        and phone[1:2] != "0"
        and 10 <= len(phone) <= 15
    ):
        raise ValidationError(
            _("Enter an Indonesian phone number, e.g. 081234567890 or +62 812 3456 7890."),
            code="phone",
        )
    return phone


def check_id_scan(upload) -> str:
    """What the scan is by its content, "jpg", "png" or "pdf"; or ValidationError.

    The name and the browser's declared type are ignored: a PHP script called ktp.jpg
    is not an image, whatever it is called. Images are opened and verified by Pillow
    (a truncated or forged one fails); PDFs are read by the document library's checks.
    """
    limit_mb = settings.PPID_ID_SCAN_MAX_MB
    if upload.size > limit_mb * 1024 * 1024:
        raise ValidationError(
            _("The scan is larger than %(limit)s MB: take a smaller photo or scan."),
            code="scan_too_large",
            params={"limit": limit_mb},
        )
    not_a_scan = ValidationError(
        _("The scan must be a JPEG or PNG photo or a PDF. Its content was checked, not its name."),
        code="scan_type",
    )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if sniff(head) == "pdf":
        check_pdf(upload)
        return "pdf"
    if not head.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")):
        raise not_a_scan
    try:
        with Image.open(upload) as image:
            kind = {"JPEG": "jpg", "PNG": "png"}.get(image.format)
            if kind is None:
                raise not_a_scan
            if image.width * image.height > MAX_SCAN_PIXELS:
                raise ValidationError(
                    _("The image is too large in pixels: take a smaller photo."),
                    code="scan_pixels",
                )
            image.verify()
        # verify() reads a PNG's checksums but little of a JPEG: decode it all, so a
        # truncated or corrupted picture is refused now, not when staff open it.
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise not_a_scan from None
    finally:
        upload.seek(0)
    return kind
