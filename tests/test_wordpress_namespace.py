"""The WXR namespace: WordPress's own importer accepts any namespace URI bound to the
`wp` prefix (its theme-unit-test export declares https://wordpress.org/export/1.2/), and
so does ours (wordpress/wxr.py)."""

import io
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article

pytestmark = pytest.mark.django_db

EXPORT = Path(__file__).parent / "data" / "wordpress" / "humas-export.xml"
WORDPRESS_URI = 'xmlns:wp="http://wordpress.org/export/1.2/"'


def run(path):
    out = io.StringIO()
    call_command("import_wordpress", str(path), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def export_with(tmp_path, declaration):
    text = EXPORT.read_text()
    assert WORDPRESS_URI in text
    path = tmp_path / "export.xml"
    path.write_text(text.replace(WORDPRESS_URI, declaration))
    return path


@pytest.mark.parametrize(
    "declaration",
    [
        'xmlns:wp="https://wordpress.org/export/1.2/"',  # the theme unit test's export
        'xmlns:wp="http://wordpress.org/export/1.2"',  # no trailing slash
        'xmlns:wp="https://wordpress.org/export/1.1"',
        'xmlns:wp="urn:example:wordpress-export"',  # any URI, bound to the wp prefix
    ],
)
def test_any_namespace_bound_to_the_wp_prefix_is_read_as_wordpress(tmp_path, declaration):
    out = run(export_with(tmp_path, declaration))
    assert "posts imported (published): 2" in out
    assert Article.objects.count() == 7
    bridge = Article.objects.get(title__startswith="Bupati Meresmikan")
    assert bridge.category.slug == "beritadaerah"  # wp:category elements were read too
    assert set(bridge.tags.names()) == {"Jawa Tengah", "ꦤꦏ꧀ꦱꦫ ꦗꦮ"}


def test_the_wordpress_namespace_under_another_prefix_is_read_too(tmp_path):
    text = EXPORT.read_text().replace(
        WORDPRESS_URI, 'xmlns:wpx="https://wordpress.org/export/1.2/"'
    )
    path = tmp_path / "export.xml"
    path.write_text(re.sub(r"<(/?)wp:", r"<\1wpx:", text))
    assert "posts imported (published): 2" in run(path)


def test_a_wxr_version_in_an_unrelated_namespace_is_still_refused(tmp_path):
    path = tmp_path / "export.xml"
    path.write_text(
        '<rss xmlns:x="https://example.com/export/1.2/"><channel><title>Bukan WordPress</title>'
        "<x:wxr_version>1.2</x:wxr_version></channel></rss>"
    )
    with pytest.raises(CommandError, match=re.escape("no <wp:wxr_version>")):
        run(path)
    assert not Article.objects.exists()


def test_the_excerpt_namespace_is_not_taken_for_wordpress_own(tmp_path):
    """excerpt's URI starts like wp's (http://wordpress.org/export/1.2/excerpt/): its
    encoded element is still the excerpt, not a wp: element."""
    run(export_with(tmp_path, 'xmlns:wp="https://wordpress.org/export/1.2/"'))
    leads = Article.objects.exclude(lead="").values_list("lead", flat=True)
    assert leads.exists()
