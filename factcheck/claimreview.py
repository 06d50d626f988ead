"""schema.org ClaimReview for a hoax clarification, as fact-checkers publish it.

Google's ClaimReview guidelines ask for: url, claimReviewed, reviewRating (a Rating with
ratingValue, bestRating, worstRating and alternateName, the verdict in words), author
(the organization), datePublished, and itemReviewed (the Claim: where it appeared and
when). The verdict in words is given in Indonesian, as the canonical page shows it.
"""

from django.conf import settings
from django.utils import timezone, translation

from articles.sharing import json_ld


def claim_review(clarification, *, url: str, site_url: str) -> dict:
    article = clarification.article
    with translation.override("id"):
        verdict = str(clarification.get_verdict_display())
        platform = str(clarification.get_platform_display())
    publisher = {"@type": "Organization", "name": clarification.where or platform}
    links = clarification.claim_link_list()
    appearances = [{"@type": "CreativeWork", "url": link, "publisher": publisher} for link in links]
    claim = {
        "@type": "Claim",
        "appearance": appearances or [{"@type": "CreativeWork", "publisher": publisher}],
    }
    if links:
        claim["firstAppearance"] = appearances[0]
    if clarification.first_seen:
        claim["datePublished"] = clarification.first_seen.isoformat()
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "inLanguage": "id",
        "name": article.title,
        "claimReviewed": clarification.claim,
        "datePublished": timezone.localtime(article.published_at).isoformat(),
        "author": {"@type": "Organization", "name": settings.SITE_NAME, "url": site_url},
        "itemReviewed": claim,
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": clarification.rating,
            "bestRating": clarification.BEST_RATING,
            "worstRating": clarification.WORST_RATING,
            "alternateName": verdict,
        },
    }


def claim_review_json(clarification, *, url: str, site_url: str) -> str:
    """The JSON-LD block's text, escaped so that no claim can close the <script>."""
    return json_ld(claim_review(clarification, url=url, site_url=site_url))
