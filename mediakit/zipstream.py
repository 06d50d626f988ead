"""A ZIP archive written as it is sent: zipfile writes into a pipe, the response takes
what is in the pipe after every chunk.

    for data in stream(entries, copy_to=file): ...

Each entry is a name, a compression (ZIP_STORED for photos: JPEG, PNG and WebP do not
compress; ZIP_DEFLATED for text) and a function returning its content as chunks. Memory
holds one chunk and the archive's directory (a hundred bytes per file), whatever the
size or number of entries.

The pipe cannot seek back, so zipfile writes each entry's sizes and CRC after its data
(a "data descriptor"); every unzip tool we know reads that (Windows Explorer, macOS
Archive Utility, 7-Zip, unzip, Python), Java's ZipInputStream does not for stored entries.
"""

import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass


@dataclass
class Entry:
    name: str
    content: Callable[[], Iterable[bytes]]  # called when the entry is written
    compress: int = zipfile.ZIP_STORED
    # Called before writing: False leaves the entry out (a photo whose file is gone).
    available: Callable[[], bool] = lambda: True


class Pipe:
    """A write-only file: what is written waits in `take()`, and is copied to `copy_to`."""

    def __init__(self, copy_to=None):
        self.parts: list[bytes] = []
        self.copy_to = copy_to
        self.position = 0

    def write(self, data) -> int:
        data = bytes(data)
        self.parts.append(data)
        if self.copy_to is not None:
            self.copy_to.write(data)
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        # zipfile asks where it is to record each entry's offset; having no seek(), the
        # pipe makes it write data descriptors instead of going back.
        return self.position

    def flush(self):
        pass

    def take(self) -> list[bytes]:
        parts, self.parts = self.parts, []
        return parts


def stream(entries: Iterable[Entry], copy_to=None) -> Iterator[bytes]:
    pipe = Pipe(copy_to)
    now = time.localtime()[:6]
    with zipfile.ZipFile(pipe, "w") as archive:
        for entry in entries:
            if not entry.available():
                continue
            info = zipfile.ZipInfo(entry.name, date_time=now)
            info.compress_type = entry.compress
            info.external_attr = 0o644 << 16  # rw-r--r-- when unpacked on Unix
            with archive.open(info, "w") as out:
                for data in entry.content():
                    out.write(data)
                    yield from pipe.take()
            yield from pipe.take()
    yield from pipe.take()
