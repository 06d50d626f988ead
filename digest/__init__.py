"""The readers' email digest: readers and visitors opt in at /langganan/ (categories,
daily or weekly, consent recorded), and `manage.py send_digest` mails each confirmed
subscriber the articles of the past day or week in their categories (docs/digest.md).

Built on articles and mailing: the subscription is a mailing Subscriber on the list
"digest" (options {"categories": [pk, ...], "frequency": "daily" | "weekly"}), each mail
a Delivery with the message key "digest:<frequency>:<period>" ("digest:daily:2026-12-01",
"digest:weekly:2026-W48"), so a period is mailed to a subscriber at most once, however
often the command runs. mailing sends them in batches, with the one-click unsubscribe
headers.
"""

LIST_KEY = "digest"
