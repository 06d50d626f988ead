"""The PPID's records: the register of public information, requests for information,
objections, and the calendar their deadlines are counted on.

The law behind each field: UU 14/2008 on public-information openness (UU KIP) and the
Komisi Informasi's service standard, Perki 1/2021. Deadlines are in working days
(ppid/workdays.py): an answer within 10, extendable once by 7 with a written reason
(UU KIP art. 22(7)-(8)); an objection within 30 after the answer or the missed
deadline, answered by the superior official within 30 (art. 35-36).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from documents.models import Document
from humas.storage import PrivateFileStorage

ANSWER_WORKING_DAYS = 10
EXTENSION_WORKING_DAYS = 7
OBJECTION_FILING_WORKING_DAYS = 30
OBJECTION_ANSWER_WORKING_DAYS = 30


def private_storage():
    return PrivateFileStorage()


class Holiday(models.Model):
    """A date staff add to the calendar: a regional holiday, or a joint leave day decreed
    after the library was released; or, with `is_day_off` off, a day the library lists
    that the government made a working day again."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=120)
    is_day_off = models.BooleanField(
        _("day off"),
        default=True,
        help_text=_("Untick to make a date the national calendar lists a working day."),
    )

    class Meta:
        ordering = ("date",)
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")

    def __str__(self):
        return f"{self.date:%d-%m-%Y} {self.name}"


class Unit(models.Model):
    """A unit that holds information: the PPID itself or an office (PPID pelaksana)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ("order", "name")
        verbose_name = _("information unit")
        verbose_name_plural = _("information units")

    def __str__(self):
        return self.name


class InformationItemQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def of_class(self, classification):
        return self.filter(classification=classification)

    def of_unit(self, unit_id):
        return self.filter(unit_id=unit_id)

    def of_year(self, year):
        return self.filter(year=year)

    def matching(self, words):
        """Items whose title or summary contains `words`."""
        return self.filter(Q(title__icontains=words) | Q(summary__icontains=words))

    def for_register(self):
        """What a line of the register shows, in the register's order: the unit joined,
        the published documents in one query (`public_documents`)."""
        return (
            self.select_related("unit")
            .prefetch_related(
                models.Prefetch(
                    "documents",
                    queryset=Document.objects.published().only("pk", "title", "slug"),
                    to_attr="public_documents",
                )
            )
            .order_by("unit__order", "unit__name", "title", "pk")
        )

    def years(self):
        """The years of published items, newest first (one query)."""
        return list(self.published().order_by("-year").values_list("year", flat=True).distinct())


class InformationItem(models.Model):
    """One line of the Daftar Informasi Publik (the register), in the columns of the
    Komisi Informasi's form."""

    class Classification(models.TextChoices):
        # The values are the register's filter (?jenis=berkala): stable.
        PERIODIC = "berkala", _("Published periodically (berkala)")
        IMMEDIATE = "serta-merta", _("Published immediately (serta-merta)")
        ON_REQUEST = "setiap-saat", _("Available at any time (tersedia setiap saat)")
        EXEMPT = "dikecualikan", _("Exempt (dikecualikan)")

    class Form(models.TextChoices):
        PRINTED = "cetak", _("Printed")
        ELECTRONIC = "elektronik", _("Electronic")
        BOTH = "cetak-elektronik", _("Printed and electronic")

    title = models.CharField(_("title"), max_length=250)
    summary = models.TextField(_("summary of contents"))
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="items", verbose_name=_("responsible unit")
    )
    official = models.CharField(
        _("official in charge"),
        max_length=200,
        help_text=_("Who is responsible for making or issuing the information."),
    )
    year = models.PositiveSmallIntegerField(_("year made"))
    place = models.CharField(_("place made"), max_length=120, blank=True)
    form = models.CharField(_("form"), max_length=20, choices=Form.choices, default=Form.BOTH)
    media = models.CharField(
        _("media"), max_length=200, blank=True, help_text=_("E.g. website, notice board.")
    )
    retention = models.CharField(
        _("retention period"), max_length=120, help_text=_("E.g. 5 years.")
    )
    classification = models.CharField(
        _("class"), max_length=20, choices=Classification.choices, default=Classification.PERIODIC
    )
    legal_basis = models.TextField(
        _("legal basis of the exemption"),
        blank=True,
        help_text=_("For exempt information: the clause of UU KIP article 17."),
    )
    consequence_test = models.TextField(
        _("consequence test"),
        blank=True,
        help_text=_(
            "For exempt information: the harm that opening it would cause (uji konsekuensi)."
        ),
    )
    exemption_until = models.DateField(_("exempt until"), null=True, blank=True)
    documents = models.ManyToManyField(
        "documents.Document", blank=True, related_name="register_items",
        verbose_name=_("documents"),
    )  # fmt: skip
    is_published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = InformationItemQuerySet.as_manager()

    class Meta:
        ordering = ("unit__order", "unit__name", "title")
        verbose_name = _("public information item")
        verbose_name_plural = _("register of public information")
        constraints = [
            models.CheckConstraint(
                condition=~Q(classification="dikecualikan")
                | (~Q(legal_basis="") & ~Q(consequence_test="")),
                name="informationitem_exempt_has_basis_and_test",
                violation_error_message=_(
                    "Exempt information needs its legal basis and the consequence test."
                ),
            ),
        ]
        indexes = [
            models.Index(
                fields=("is_published", "classification", "year"), name="informationitem_filter_idx"
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        """The constraint's rule, said at the fields that are missing."""
        if self.classification != self.Classification.EXEMPT:
            return
        errors = {}
        if not self.legal_basis.strip():
            errors["legal_basis"] = _(
                "Exempt information needs its legal basis: the clause of UU KIP article 17."
            )
        if not self.consequence_test.strip():
            errors["consequence_test"] = _(
                "Exempt information needs the consequence test: the harm that opening it "
                "would cause."
            )
        if errors:
            raise ValidationError(errors, code="exempt_without_basis")


class RequestCounter(models.Model):
    """The last registration number given in a year (one row per year and kind), taken
    with an upsert so concurrent requests never share a number."""

    key = models.CharField(max_length=20, unique=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("registration counter")
        verbose_name_plural = _("registration counters")

    def __str__(self):
        return f"{self.key}: {self.last}"


class InformationRequestQuerySet(models.QuerySet):
    def open(self):
        """Not yet answered: the clock runs."""
        return self.filter(status__in=("received", "in_progress", "extended"))

    def with_current_due(self):
        """`current_due`: the due date after an extension, else the first one."""
        return self.annotate(current_due=Coalesce("extended_due_date", "due_date"))

    def overdue(self, today):
        return self.open().with_current_due().filter(current_due__lt=today)

    def due_between(self, today, last_day):
        """Open, due today or later but no later than `last_day` (due soon)."""
        return self.open().with_current_due().filter(current_due__range=(today, last_day))


class InformationRequest(models.Model):
    """A request for information (permohonan informasi publik)."""

    class ApplicantKind(models.TextChoices):
        PERSON = "perorangan", _("Person")
        ORGANISATION = "badan-hukum", _("Organisation")

    class ReceiveMethod(models.TextChoices):
        SEE = "melihat", _("Seeing, reading, listening or noting it")
        SOFTCOPY = "salinan-elektronik", _("An electronic copy (softcopy)")
        HARDCOPY = "salinan-cetak", _("A printed copy (hardcopy)")

    class CopyMethod(models.TextChoices):
        PICK_UP = "ambil", _("Picked up in person")
        EMAIL = "email", _("By email")
        POST = "pos", _("By post")
        COURIER = "kurir", _("By courier")
        FAX = "faksimili", _("By fax")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        IN_PROGRESS = "in_progress", _("In progress")
        EXTENDED = "extended", _("Extended")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    class Decision(models.TextChoices):
        GRANTED = "granted", _("Granted")
        PARTLY_GRANTED = "partly_granted", _("Partly granted")
        REFUSED = "refused", _("Refused")
        NOT_HELD = "not_held", _("Not held by this body")
        FORWARDED = "forwarded", _("Forwarded to another body")

    number = models.CharField(_("registration number"), max_length=40, unique=True)
    registered_at = models.DateTimeField(_("registered"))
    due_date = models.DateField(_("answer due"))
    extended_due_date = models.DateField(_("answer due after extension"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)

    applicant_kind = models.CharField(
        _("applicant"), max_length=20, choices=ApplicantKind.choices, default=ApplicantKind.PERSON
    )
    name = models.CharField(_("name"), max_length=200)
    nik = models.CharField(_("NIK"), max_length=16, help_text=_("16-digit national ID number."))
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    address = models.TextField(_("address"))
    phone = models.CharField(_("phone"), max_length=20)
    email = models.EmailField(_("email"))
    information = models.TextField(_("information requested"))
    purpose = models.TextField(_("purpose"))
    receive_method = models.CharField(
        _("how to receive it"), max_length=20, choices=ReceiveMethod.choices
    )
    copy_method = models.CharField(
        _("how to get a copy"), max_length=20, choices=CopyMethod.choices
    )
    id_scan = models.FileField(
        _("identity card scan"),
        upload_to="ppid/identitas/%Y/%m/",
        storage=private_storage,
        blank=True,
        max_length=255,
    )
    id_scan_deleted_at = models.DateTimeField(_("identity scan deleted"), null=True, blank=True)

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("handled by"),
    )  # fmt: skip
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, blank=True)
    refusal_basis = models.TextField(
        _("legal basis of the refusal"),
        blank=True,
        help_text=_("For a refusal: the clause of UU KIP article 17 and the consequence test."),
    )
    forwarded_to = models.CharField(_("forwarded to"), max_length=200, blank=True)
    answer = models.TextField(_("answer letter"), blank=True)
    answer_letter = models.FileField(
        _("signed answer letter"),
        upload_to="ppid/jawaban/%Y/%m/",
        storage=private_storage,
        blank=True,
        max_length=255,
    )
    documents = models.ManyToManyField(
        "documents.Document", blank=True, related_name="+", verbose_name=_("documents sent"),
    )  # fmt: skip
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = InformationRequestQuerySet.as_manager()

    class Meta:
        ordering = ("-registered_at", "-pk")
        verbose_name = _("information request")
        verbose_name_plural = _("information requests")
        permissions = [("view_identity_scan", _("Can see applicants' identity scans"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(extended_due_date__isnull=True) | ~Q(extension_reason=""),
                name="informationrequest_extension_has_reason",
                violation_error_message=_("An extension needs a written reason."),
            ),
            models.CheckConstraint(
                condition=~Q(decision="refused") | ~Q(refusal_basis=""),
                name="informationrequest_refusal_has_basis",
                violation_error_message=_("A refusal needs its legal basis."),
            ),
            models.CheckConstraint(
                condition=~Q(status="answered") | ~Q(decision=""),
                name="informationrequest_answer_has_decision",
                violation_error_message=_("An answered request needs a decision."),
            ),
        ]
        indexes = [
            models.Index(fields=("status", "due_date"), name="infreq_status_due_idx"),
            models.Index(fields=("registered_at",), name="infreq_registered_idx"),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("admin:ppid_informationrequest_change", args=[self.pk])

    @property
    def current_due_date(self):
        return self.extended_due_date or self.due_date

    @property
    def is_open(self):
        return self.status in (
            self.Status.RECEIVED, self.Status.IN_PROGRESS, self.Status.EXTENDED
        )  # fmt: skip


class RequestStep(models.Model):
    """One step of a request's history: shown to the applicant on the status page (the
    public ones) and to staff in the admin (all of them)."""

    request = models.ForeignKey(
        InformationRequest, on_delete=models.CASCADE, related_name="steps",
        verbose_name=_("request"),
    )  # fmt: skip
    at = models.DateTimeField(_("at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=20, choices=InformationRequest.Status.choices)
    note = models.TextField(_("note"), blank=True)
    is_public = models.BooleanField(_("shown to the applicant"), default=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("by"),
    )  # fmt: skip

    class Meta:
        ordering = ("at", "pk")
        verbose_name = _("request step")
        verbose_name_plural = _("request steps")

    def __str__(self):
        return f"{self.request} {self.status}"


class ObjectionQuerySet(models.QuerySet):
    def open(self):
        """Not yet responded to: the clock runs."""
        return self.filter(status__in=("received", "in_progress"))

    def overdue(self, today):
        return self.open().filter(due_date__lt=today)

    def due_between(self, today, last_day):
        return self.open().filter(due_date__range=(today, last_day))


class Objection(models.Model):
    """An objection (keberatan) against the handling of a request, on one of the
    grounds of UU KIP article 35(1)."""

    class Grounds(models.TextChoices):
        REFUSED = "a", _("The request was refused on the grounds of article 17")
        PERIODIC_MISSING = "b", _("Periodic information was not published")
        NOT_ANSWERED = "c", _("The request was not answered")
        NOT_AS_ASKED = "d", _("The request was answered other than as asked")
        NOT_FULFILLED = "e", _("The request was not fulfilled")
        UNFAIR_FEE = "f", _("An unreasonable fee was charged")
        LATE = "g", _("The information was given later than the law allows")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        IN_PROGRESS = "in_progress", _("In progress")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    class Decision(models.TextChoices):
        UPHELD = "upheld", _("Upheld: the information will be given")
        REJECTED = "rejected", _("Rejected: the first answer stands")

    request = models.ForeignKey(
        InformationRequest, on_delete=models.PROTECT, related_name="objections",
        verbose_name=_("request"),
    )  # fmt: skip
    number = models.CharField(_("registration number"), max_length=40, unique=True)
    registered_at = models.DateTimeField(_("registered"))
    due_date = models.DateField(_("response due"))
    grounds = models.CharField(_("grounds"), max_length=1, choices=Grounds.choices)
    case = models.TextField(_("the case"), help_text=_("What happened and what is asked."))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    official = models.CharField(_("superior official"), max_length=200, blank=True)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, blank=True)
    response = models.TextField(_("response"), blank=True)
    responded_at = models.DateTimeField(_("responded"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = ObjectionQuerySet.as_manager()

    class Meta:
        ordering = ("-registered_at", "-pk")
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="answered") | ~Q(decision=""),
                name="objection_answer_has_decision",
                violation_error_message=_("An answered objection needs a decision."),
            ),
        ]
        indexes = [models.Index(fields=("status", "due_date"), name="objection_status_due_idx")]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("admin:ppid_objection_change", args=[self.pk])
