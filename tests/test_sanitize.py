import pytest

from articles.sanitize import sanitize_html

from .factories import make_article

HOSTILE = [
    ("<p>ok</p><script>alert(1)</script>", "<p>ok</p>"),
    ('<p onclick="alert(1)" onmouseover="x()">ok</p>', "<p>ok</p>"),
    ('<img src="x.jpg" onerror="alert(1)">', '<img src="x.jpg">'),
    ('<a href="javascript:alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
    ('<a href="JaVaScRiPt:alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
    ('<a href="java&#09;script:alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
    ('<a href="  javascript:alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
    ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', '<a rel="noopener noreferrer">x</a>'),
    ('<img src="javascript:alert(1)">', "<img>"),
    ("<style>body{display:none}</style><p>ok</p>", "<p>ok</p>"),
    ('<iframe src="https://evil.example"></iframe><p>ok</p>', "<p>ok</p>"),
    ("<svg><script>alert(1)</script></svg>", ""),
    ('<p style="background:url(javascript:alert(1))">ok</p>', "<p>ok</p>"),
    ("<form action=/x><input name=a></form>", ""),
    ("<!-- hidden --><p>ok</p>", "<p>ok</p>"),
]


@pytest.mark.parametrize(("dirty", "clean"), HOSTILE)
def test_sanitizer_strips_what_could_run(dirty, clean):
    assert sanitize_html(dirty) == clean


def test_sanitizer_keeps_what_the_newsroom_writes():
    html = (
        "<h2>Sub</h2><p><strong>Tebal</strong> <em>miring</em> "
        '<a href="https://jatengprov.go.id/">tautan</a></p>'
        "<ul><li>satu</li></ul><blockquote>kutipan</blockquote>"
    )
    assert sanitize_html(html) == html.replace(
        'href="https://jatengprov.go.id/"',
        'href="https://jatengprov.go.id/" rel="noopener noreferrer"',
    )


@pytest.mark.django_db
def test_article_body_is_sanitized_on_save():
    article = make_article(body='<p onclick="x()">Isi<script>alert(1)</script></p>')
    article.refresh_from_db()
    assert article.body == "<p>Isi</p>"
