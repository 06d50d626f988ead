"""View reports for staff: the 30-day chart of one article and the most-read table."""

import csv
import io
from datetime import date, timedelta

from django import forms
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import ArticleDailyViews

MAX_REPORT_DAYS = 366


def daily_series(article, days=30) -> list[tuple[date, int]]:
    """Views per day for the last `days` days, zeros included, oldest first."""
    today = timezone.localdate()
    since = today - timedelta(days=days - 1)
    counts = dict(
        ArticleDailyViews.objects.filter(article=article, day__gte=since).values_list(
            "day", "views"
        )
    )
    return [
        (since + timedelta(days=i), counts.get(since + timedelta(days=i), 0)) for i in range(days)
    ]


def svg_bar_chart(series, *, width=600, height=120) -> str:
    """A small server-rendered bar chart: no script, readable by screen readers."""
    peak = max((views for _day, views in series), default=0) or 1
    bar = width / len(series)
    total = sum(views for _day, views in series)
    label = _("Views per day over the last %(days)s days: %(total)s in all") % {
        "days": len(series),
        "total": total,
    }
    bars = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" fill="#8a1c1c"><title>{}: {}</title></rect>',
        (
            (
                round(i * bar + 1, 1),
                round(height - 16 - (views / peak) * (height - 20), 1),
                round(bar - 2, 1),
                round((views / peak) * (height - 20), 1),
                day.strftime("%d-%m-%Y"),
                views,
            )
            for i, (day, views) in enumerate(series)
        ),
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
        'role="img" aria-label="{label}"><title>{label}</title>{bars}'
        '<line x1="0" y1="{base}" x2="{w}" y2="{base}" stroke="#999"/>'
        '<text x="0" y="{h}" font-size="11" fill="#333">{first}</text>'
        '<text x="{w}" y="{h}" font-size="11" fill="#333" text-anchor="end">{last}</text></svg>',
        w=width,
        h=height,
        label=label,
        bars=bars,
        base=height - 16,
        first=series[0][0].strftime("%d-%m"),
        last=series[-1][0].strftime("%d-%m"),
    )


class PeriodForm(forms.Form):
    start = forms.DateField(
        label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(label=gettext_lazy("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if start > end:
                raise forms.ValidationError(
                    _("The start date must not be after the end date."), code="order"
                )
            if (end - start).days >= MAX_REPORT_DAYS:
                raise forms.ValidationError(
                    _("Choose a period of at most %(days)s days."),
                    code="too_long",
                    params={"days": MAX_REPORT_DAYS},
                )
        return cleaned


def most_read(start: date, end: date, limit=100):
    """Articles by views between two days (inclusive), from the daily buckets."""
    return list(
        ArticleDailyViews.objects.filter(day__gte=start, day__lte=end)
        .values("article", "article__title", "article__slug", "article__category__name",
                "article__published_at", "article__status")
        .annotate(views=Sum("views"))
        .order_by("-views", "article")[:limit]
    )  # fmt: skip


def csv_safe(value):
    """Spreadsheets run cells that start with = + - @ as formulas; make them text."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def most_read_csv(rows, start, end) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [_("Rank"), _("Title"), _("Category"), _("Published"), _("Views"), _("Address")]
    )
    for rank, row in enumerate(rows, start=1):
        published = row["article__published_at"]
        writer.writerow(
            [
                rank,
                csv_safe(row["article__title"]),
                csv_safe(row["article__category__name"]),
                timezone.localtime(published).strftime("%Y-%m-%d %H:%M") if published else "",
                row["views"],
                reverse("articles:detail", args=[row["article__slug"]]),
            ]
        )
    return buffer.getvalue()
