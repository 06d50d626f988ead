"""The checks' shared parts: the registry, an Issue, the run's Context."""

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import NoReverseMatch, reverse

CHECKS = []


def check(function):
    CHECKS.append(function)
    return function


@dataclass
class Issue:
    kind: str
    severity: int
    where: str
    excerpt: str = ""
    obj: models.Model | None = None
    object_repr: str = ""
    # What, besides the kind, the object and `where`, makes this finding this finding:
    # the phrases matched, a file's size... A change to it is a new finding.
    key: tuple = ()
    admin_url: str = ""

    def __post_init__(self):
        if self.obj is not None:
            self.object_repr = self.object_repr or str(self.obj)[:200]
            self.admin_url = self.admin_url or admin_url(self.obj)

    @property
    def content_type(self):
        return ContentType.objects.get_for_model(self.obj) if self.obj is not None else None

    @property
    def object_id(self):
        return str(self.obj.pk) if self.obj is not None else ""

    @property
    def fingerprint(self):
        label = self.obj._meta.label_lower if self.obj is not None else ""
        parts = [self.kind, label, self.object_id, self.where, [str(part) for part in self.key]]
        return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


@dataclass
class Context:
    now: datetime
    previous: object  # the last saved Report, or None on the first run
    patterns: list  # [(Pattern, compiled regex)]
    allowed: list  # [(domain, include_subdomains)]
    seen_domains: set
    # Outbound domains met in published content: {domain: (obj, where, address)}.
    domains: dict = field(default_factory=dict)
    scanned: Counter = field(default_factory=Counter)
    accounts: dict = field(default_factory=dict)  # the staff snapshot of this run


def admin_url(obj) -> str:
    opts = obj._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return ""
