"""The starting lists: Indonesian online-gambling phrases (integrity/patterns.py) and the
domains links may point to without being reported: the site's own, Indonesian
government domains (go.id, desa.id, mil.id, with their subdomains) and the site's social
accounts. Both are edited in the admin afterwards; a phrase that trips on good content is
switched off there rather than deleted, so a later release's additions do not bring it
back."""

from django.conf import settings
from django.db import migrations

from integrity.patterns import GAMBLING_TERMS, normalize_domain

GOVERNMENT = (
    ("go.id", "Indonesian government"),
    ("desa.id", "Village governments"),
    ("mil.id", "Indonesian military"),
)


def seeded_domains():
    domains = [(domain, note) for domain, note in GOVERNMENT]
    if settings.SITE_URL:
        domains.append((normalize_domain(settings.SITE_URL), "This site (SITE_URL)"))
    domains += [(normalize_domain(url), name) for name, url in settings.SOCIAL_LINKS if url]
    return [(domain, note) for domain, note in domains if domain]


def seed(apps, schema_editor):
    Pattern = apps.get_model("integrity", "Pattern")
    AllowedDomain = apps.get_model("integrity", "AllowedDomain")
    known = {phrase.lower() for phrase in Pattern.objects.values_list("phrase", flat=True)}
    Pattern.objects.bulk_create(
        Pattern(phrase=phrase, kind="gambling") for phrase in GAMBLING_TERMS if phrase not in known
    )
    for domain, note in seeded_domains():
        AllowedDomain.objects.get_or_create(
            domain=domain, defaults={"include_subdomains": True, "note": note}
        )


def unseed(apps, schema_editor):
    apps.get_model("integrity", "Pattern").objects.filter(phrase__in=GAMBLING_TERMS).delete()
    apps.get_model("integrity", "AllowedDomain").objects.filter(
        domain__in=[domain for domain, _note in seeded_domains()]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("integrity", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
