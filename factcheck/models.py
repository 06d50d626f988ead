from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from articles.models import Article

MAX_LINKS = 20
_url = URLValidator(schemes=("http", "https"))


def link_lines(text: str) -> list[str]:
    """The addresses of a links field: one per line, blank lines skipped."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def validate_links(text):
    """Web addresses only (http:// or https://), one per line: no javascript:, no data:."""
    lines = link_lines(text)
    if len(lines) > MAX_LINKS:
        raise ValidationError(
            _("At most %(max)s addresses, one per line."),
            code="too_many",
            params={"max": MAX_LINKS},
        )
    for number, line in enumerate(lines, start=1):
        try:
            _url(line)
        except ValidationError:
            raise ValidationError(
                _("Line %(number)s is not a web address starting with http:// or https://."),
                code="invalid_link",
                params={"number": number},
            ) from None


# At module level, so that the model's Meta.constraints can name them too.
class Platform(models.TextChoices):
    WHATSAPP = "whatsapp", "WhatsApp"
    FACEBOOK = "facebook", "Facebook"
    X = "x", "X (Twitter)"
    TIKTOK = "tiktok", "TikTok"
    INSTAGRAM = "instagram", "Instagram"
    YOUTUBE = "youtube", "YouTube"
    OTHER = "other", _("Elsewhere")


class Verdict(models.TextChoices):
    # The keys are stable (URLs, CSS, data); the labels are what readers see.
    HOAX = "hoaks", _("Hoax")
    DISINFORMATION = "disinformasi", _("Disinformation")
    MISINFORMATION = "misinformasi", _("Misinformation")
    MALINFORMATION = "malinformasi", _("Malinformation")
    MISLEADING = "menyesatkan", _("Misleading")
    SATIRE = "satire", _("Satire or parody")
    PARTLY_TRUE = "sebagian-benar", _("Partly true")
    UNPROVEN = "belum-terbukti", _("Unproven")
    TRUE = "benar", _("True")


class Clarification(models.Model):
    """What a hoax clarification answers: the claim, where it circulated, the verdict and
    its evidence. One per article of kind "klarifikasi", edited with the article."""

    Platform = Platform
    Verdict = Verdict

    # schema.org Rating for ClaimReview: 1 (false) to 5 (true), as fact-checkers use it.
    RATINGS = {
        Verdict.HOAX: 1,
        Verdict.DISINFORMATION: 1,
        Verdict.MISINFORMATION: 2,
        Verdict.MALINFORMATION: 2,
        Verdict.MISLEADING: 2,
        Verdict.SATIRE: 3,
        Verdict.PARTLY_TRUE: 3,
        Verdict.UNPROVEN: 3,
        Verdict.TRUE: 5,
    }
    WORST_RATING, BEST_RATING = 1, 5

    article = models.OneToOneField(
        Article,
        on_delete=models.CASCADE,
        related_name="clarification",
        verbose_name=_("article"),
    )
    claim = models.TextField(
        _("claim"),
        max_length=1000,
        help_text=_("The claim as it circulated, in one or two sentences."),
    )
    platform = models.CharField(_("where it circulated"), max_length=20, choices=Platform.choices)
    platform_detail = models.CharField(
        _("where exactly"),
        max_length=120,
        blank=True,
        help_text=_('E.g. "family WhatsApp groups"; required for "Elsewhere".'),
    )
    claim_links = models.TextField(
        _("where it appeared"),
        blank=True,
        validators=[validate_links],
        help_text=_(
            "Addresses of posts that spread the claim, one per line, the earliest first "
            "(an archived copy is best). Shown to readers without being promoted."
        ),
    )
    first_seen = models.DateField(_("first seen"), null=True, blank=True)
    verdict = models.CharField(_("verdict"), max_length=20, choices=Verdict.choices)
    evidence = models.TextField(
        _("evidence"), help_text=_("What was checked and what it showed, for readers.")
    )
    sources = models.TextField(
        _("sources"),
        blank=True,
        validators=[validate_links],
        help_text=_("Addresses of the sources checked, one per line."),
    )

    class Meta:
        verbose_name = _("hoax clarification")
        verbose_name_plural = _("hoax clarifications")
        constraints = [
            models.CheckConstraint(
                condition=Q(verdict__in=Verdict.values),
                name="clarification_verdict_known",
            ),
            models.CheckConstraint(
                condition=Q(platform__in=Platform.values),
                name="clarification_platform_known",
            ),
            models.CheckConstraint(
                condition=~Q(platform="other") | ~Q(platform_detail=""),
                name="clarification_elsewhere_named",
                violation_error_message=_("Say where the claim circulated."),
            ),
        ]

    def __str__(self):
        return f"{self.get_verdict_display()}: {self.claim[:60]}"

    def get_absolute_url(self):
        return self.article.get_absolute_url()

    def clean(self):
        if self.platform == self.Platform.OTHER and not self.platform_detail.strip():
            raise ValidationError(
                {"platform_detail": _("Say where the claim circulated.")}, code="required"
            )

    @property
    def rating(self) -> int:
        return self.RATINGS[self.verdict]

    @property
    def rating_class(self) -> str:
        """For the badge's colour: false, mixed or true."""
        return {1: "false", 5: "true"}.get(self.rating, "mixed")

    @property
    def where(self) -> str:
        """ "WhatsApp (family groups)", or what was written for "Elsewhere"."""
        if self.platform == self.Platform.OTHER:
            return self.platform_detail
        label = self.get_platform_display()
        return f"{label} ({self.platform_detail})" if self.platform_detail else label

    def claim_link_list(self) -> list[str]:
        return link_lines(self.claim_links)

    def source_list(self) -> list[str]:
        return link_lines(self.sources)
