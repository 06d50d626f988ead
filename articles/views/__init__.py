"""Public views: the article page (article.py) and the listings (listings.py)."""
