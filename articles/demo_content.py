"""Demo content for `manage.py seed_demo`: original text written for this project.

The names of officials and residents are invented; any likeness is coincidental.
"""

from .demo_content_a import ARTICLES as _ARTICLES_A
from .demo_content_b import ARTICLES as _ARTICLES_B

CATEGORIES = [
    ("pemerintahan", "Pemerintahan", "Kebijakan, program dan kegiatan pemerintah provinsi."),
    ("ekonomi", "Ekonomi", "UMKM, investasi, pertanian dan ketahanan pangan."),
    ("kesehatan", "Kesehatan", "Layanan kesehatan, pencegahan stunting dan imunisasi."),
    ("pendidikan", "Pendidikan", "Sekolah, beasiswa dan pelatihan keterampilan."),
    ("infrastruktur", "Infrastruktur", "Jalan, jembatan, irigasi dan transportasi."),
    ("pariwisata-budaya", "Pariwisata & Budaya", "Festival, destinasi wisata dan budaya daerah."),
]

PHOTOGRAPHERS = [
    ("Handy", "Humas Jateng"),
    ("Rizky Pratama", "Humas Jateng"),
    ("Dewi Lestari", "Humas Jateng"),
    ("Bagus Santoso", "Diskominfo Jateng"),
    ("Ayu Wulandari", "Humas Jateng"),
]

# Interleaved so that the newest articles cover several categories.
ARTICLES = sorted(_ARTICLES_A + _ARTICLES_B, key=lambda item: (item["days_ago"], item["hour"]))
