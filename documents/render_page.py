"""Render the first page of a PDF to a WEBP image, in a child process of its own:

    python render_page.py IN.pdf OUT.webp MAX_PIXELS

PDFium is C++ parsing files from outside and is not thread-safe, so it never runs in a
worker: this process has a memory and CPU limit, and the parent a timeout (preview.py).
Run by path, not as a module: it imports nothing of Django's.
"""

import resource
import sys

MEMORY_BYTES = 512 * 1024 * 1024
CPU_SECONDS = 20


def main(source, target, longest):
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))
    import pypdfium2 as pdfium

    with pdfium.PdfDocument(source) as pdf:
        if len(pdf) < 1:
            raise SystemExit("no pages")
        page = pdf[0]
        width, height = page.get_size()
        if width <= 0 or height <= 0:
            raise SystemExit("empty page")
        # Bounded whatever size the page claims (a MediaBox may be 14400 points wide).
        scale = min(longest / width, longest / height, 4.0)
        image = page.render(scale=scale).to_pil().convert("RGB")
        image.save(target, "WEBP", quality=80)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
