"""A photo's caption and credit written into its file, without re-encoding the image.

    with_metadata(source, info) -> iterator of bytes: the file, with `info` inside

`source` is a binary file (read in chunks, from its start); `info` a PhotoInfo. The
image data is copied byte for byte: only metadata segments are added or replaced, so
the pixels are exactly the original's, and memory holds one chunk and the headers.

What each format gets:

- **JPEG**: XMP in an APP1 segment (`http://ns.adobe.com/xap/1.0/`), and IPTC-IIM in an
  APP13 segment (`Photoshop 3.0`, resource 8BIM 0x0404), both placed after the JFIF/Exif
  segments. An earlier XMP packet (and extended XMP) is dropped; in an earlier APP13,
  the IPTC block and its digest (0x0425) are replaced and other resources kept.
- **PNG**: XMP in an `iTXt` chunk (keyword `XML:com.adobe.xmp`) right after `IHDR`; an
  earlier one is dropped. PNG has no standard place for IPTC-IIM, but XMP carries
  IPTC Core, which is what readers of PNG look at.
- **WebP**: XMP in a `XMP ` chunk at the end, with the XMP flag set in `VP8X` (a simple
  lossy or lossless file gets a `VP8X` chunk, made from its frame header).
- Anything else (GIF) is copied as it is: `UnsupportedImage` says so before any byte is
  given, and the caller lists the credit beside the file instead.

The XMP packet holds dc:creator (the photographer), dc:description (the caption),
dc:rights (the copyright line), dc:title (the article's title), photoshop:Credit
("Foto : Name (Agency)"), photoshop:Source, photoshop:Headline, photoshop:DateCreated,
xmpRights:WebStatement and UsageTerms, and IPTC Core's Iptc4xmpCore:AltTextAccessibility.
IIM gets 1:90 (UTF-8), 2:00, 2:05 object name, 2:55 date created, 2:80 By-line, 2:105
Headline, 2:110 Credit, 2:115 Source, 2:116 Copyright Notice and 2:120 Caption.

IIM's own length limits (32 bytes for By-line and Credit) are not applied: cutting a
credit breaks the attribution the kit exists for, and readers (ExifTool, Photoshop,
Lightroom) read longer values. The same values are in XMP, which has no limits.
"""

import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import BinaryIO
from xml.sax.saxutils import escape

CHUNK = 64 * 1024
# Headers read into memory before the image data (JPEG segments, WebP's chunk list):
# real files carry well under 1 MB of them (Exif, ICC profile, thumbnails).
MAX_HEADER_BYTES = 4 * 1024 * 1024


class UnsupportedImage(Exception):
    """Not a file whose metadata this module writes (a GIF, or a damaged file)."""


@dataclass(frozen=True)
class PhotoInfo:
    creator: str  # "Handy": the photographer, or the outside source
    credit: str  # "Foto : Handy (Humas Jateng)"
    caption: str = ""
    alt_text: str = ""
    copyright: str = ""  # "© 2026 Humas Jateng"
    headline: str = ""  # the article's title
    source: str = ""  # the site's name
    web_statement: str = ""  # the article's address
    usage_terms: str = ""
    date_created: date | None = None


def with_metadata(source: BinaryIO, info: PhotoInfo) -> Iterator[bytes]:
    """The file with `info` written in; raises UnsupportedImage before yielding anything
    when the format is not one written here (the caller then copies the file)."""
    head = source.read(12)
    if head[:3] == b"\xff\xd8\xff":
        writer = _jpeg
    elif head[:8] == PNG_SIGNATURE:
        writer = _png
    elif head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        writer = _webp
    else:
        raise UnsupportedImage("only JPEG, PNG and WebP files get metadata")
    source.seek(0)
    parts = writer(source, info)
    first = next(parts)  # the headers are read and checked before anything is given
    return _chain(first, parts)


def _chain(first, rest):
    yield first
    yield from rest


def copy_all(source: BinaryIO) -> Iterator[bytes]:
    """The rest of `source`, chunk by chunk (all of it for a file just opened)."""
    while chunk := source.read(CHUNK):
        yield chunk


# -- the metadata itself ------------------------------------------------------------------


def _xml_text(value: str) -> str:
    # XML 1.0 has no place for most control characters; a caption pasted with one
    # would make the whole packet unreadable.
    cleaned = "".join(ch for ch in value if ch in "\t\n\r" or ord(ch) >= 0x20)
    return escape(cleaned)


def _alt(value: str) -> str:
    return f'<rdf:Alt><rdf:li xml:lang="x-default">{_xml_text(value)}</rdf:li></rdf:Alt>'


def xmp_packet(info: PhotoInfo) -> bytes:
    """An XMP packet (RDF/XML, UTF-8) with the photo's credit, caption and rights."""
    fields = [
        f"<dc:creator><rdf:Seq><rdf:li>{_xml_text(info.creator)}</rdf:li></rdf:Seq></dc:creator>",
        f"<photoshop:Credit>{_xml_text(info.credit)}</photoshop:Credit>",
    ]
    if info.caption:
        fields.append(f"<dc:description>{_alt(info.caption)}</dc:description>")
    if info.copyright:
        fields.append(f"<dc:rights>{_alt(info.copyright)}</dc:rights>")
        fields.append("<xmpRights:Marked>True</xmpRights:Marked>")
    if info.headline:
        fields.append(f"<dc:title>{_alt(info.headline)}</dc:title>")
        fields.append(f"<photoshop:Headline>{_xml_text(info.headline)}</photoshop:Headline>")
    if info.source:
        fields.append(f"<photoshop:Source>{_xml_text(info.source)}</photoshop:Source>")
    if info.date_created:
        created = info.date_created.isoformat()
        fields.append(f"<photoshop:DateCreated>{created}</photoshop:DateCreated>")
    if info.web_statement:
        fields.append(
            f"<xmpRights:WebStatement>{_xml_text(info.web_statement)}</xmpRights:WebStatement>"
        )
    if info.usage_terms:
        fields.append(f"<xmpRights:UsageTerms>{_alt(info.usage_terms)}</xmpRights:UsageTerms>")
    if info.alt_text:
        fields.append(
            f"<Iptc4xmpCore:AltTextAccessibility>{_alt(info.alt_text)}"
            "</Iptc4xmpCore:AltTextAccessibility>"
        )
    body = "\n   ".join(fields)
    packet = (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '  <rdf:Description rdf:about=""\n'
        '    xmlns:dc="http://purl.org/dc/elements/1.1/"\n'
        '    xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"\n'
        '    xmlns:xmpRights="http://ns.adobe.com/xap/1.0/rights/"\n'
        '    xmlns:Iptc4xmpCore="http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/">\n'
        f"   {body}\n"
        "  </rdf:Description>\n"
        " </rdf:RDF>\n"
        "</x:xmpmeta>\n"
        '<?xpacket end="w"?>'
    )
    return packet.encode("utf-8")


def _iim_dataset(record: int, number: int, value: bytes) -> bytes:
    if len(value) > 0x7FFF:
        value = value[:0x7FFF]  # the standard (short) form's limit; our fields are far below
    return struct.pack(">BBBH", 0x1C, record, number, len(value)) + value


def iptc_iim(info: PhotoInfo) -> bytes:
    """IPTC-IIM records 1 and 2 (UTF-8, declared by 1:90) with the credit and caption."""
    data = _iim_dataset(1, 90, b"\x1b%G")  # ESC % G: the text is UTF-8
    data += _iim_dataset(2, 0, struct.pack(">H", 4))  # record version
    fields = (
        (5, info.headline[:64]),  # object name: short by definition
        (80, info.creator),
        (105, info.headline),
        (110, info.credit),
        (115, info.source),
        (116, info.copyright),
        (120, info.caption),
    )
    if info.date_created:
        data += _iim_dataset(2, 55, info.date_created.strftime("%Y%m%d").encode())
    for number, value in sorted(fields):
        if value:
            data += _iim_dataset(2, number, value.encode("utf-8"))
    return data


def _irb_resource(resource_id: int, data: bytes, name: bytes = b"") -> bytes:
    pascal = bytes([len(name)]) + name
    if len(pascal) % 2:
        pascal += b"\0"
    padded = data + (b"\0" if len(data) % 2 else b"")
    return b"8BIM" + struct.pack(">H", resource_id) + pascal + struct.pack(">I", len(data)) + padded


def _irb_resources(data: bytes) -> list[tuple[int, bytes, bytes]] | None:
    """(id, name, data) of a Photoshop image resource block; None if it is damaged."""
    found, at = [], 0
    while at < len(data):
        if not data[at:].strip(b"\0"):
            break  # padding at the end, as some writers leave
        if data[at : at + 4] != b"8BIM" or at + 7 > len(data):
            return None
        (resource_id,) = struct.unpack(">H", data[at + 4 : at + 6])
        name_length = data[at + 6]
        name = data[at + 7 : at + 7 + name_length]
        at += 6 + name_length + 1 + ((name_length + 1) % 2)
        if at + 4 > len(data):
            return None
        (size,) = struct.unpack(">I", data[at : at + 4])
        at += 4
        if at + size > len(data):
            return None
        found.append((resource_id, name, data[at : at + size]))
        at += size + size % 2
    return found


IPTC_RESOURCE, IPTC_DIGEST = 0x0404, 0x0425


def photoshop_irb(iim: bytes, existing: bytes = b"") -> bytes:
    """An image resource block with `iim` as its IPTC resource: other resources of an
    `existing` block are kept, its IPTC block and the digest of it are replaced."""
    kept = [
        _irb_resource(resource_id, data, name)
        for resource_id, name, data in (_irb_resources(existing) or [])
        if resource_id not in (IPTC_RESOURCE, IPTC_DIGEST)
    ]
    return b"".join(kept) + _irb_resource(IPTC_RESOURCE, iim)


# -- JPEG ------------------------------------------------------------------------------

SOI, SOS, APP0, APP1, APP13 = 0xD8, 0xDA, 0xE0, 0xE1, 0xED
XMP_ID = b"http://ns.adobe.com/xap/1.0/\0"
EXTENDED_XMP_ID = b"http://ns.adobe.com/xmp/extension/\0"
PHOTOSHOP_ID = b"Photoshop 3.0\0"
MAX_SEGMENT = 0xFFFF - 2  # the length field counts itself


def _read_exactly(source: BinaryIO, size: int) -> bytes:
    data = source.read(size)
    if len(data) != size:
        raise UnsupportedImage("the file ends too early")
    return data


def _segment(marker: int, payload: bytes) -> bytes:
    if len(payload) > MAX_SEGMENT:
        raise UnsupportedImage("metadata too large for one JPEG segment")
    return bytes((0xFF, marker)) + struct.pack(">H", len(payload) + 2) + payload


def _jpeg_segments(source: BinaryIO) -> list[tuple[int, bytes]]:
    """The segments before the image data (start of scan), read after SOI."""
    segments, total = [], 0
    while True:
        if _read_exactly(source, 1) != b"\xff":
            raise UnsupportedImage("a JPEG segment does not start with a marker")
        marker = 0xFF
        while marker == 0xFF:  # fill bytes
            marker = _read_exactly(source, 1)[0]
        if marker == SOS:
            return segments
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:  # no length: TEM, RSTn
            segments.append((marker, None))
            continue
        (length,) = struct.unpack(">H", _read_exactly(source, 2))
        if length < 2:
            raise UnsupportedImage("a JPEG segment with a wrong length")
        total += length
        if total > MAX_HEADER_BYTES:
            raise UnsupportedImage("the JPEG headers are too large")
        segments.append((marker, _read_exactly(source, length - 2)))


def _jpeg(source: BinaryIO, info: PhotoInfo) -> Iterator[bytes]:
    _read_exactly(source, 2)  # SOI, checked by with_metadata
    segments = _jpeg_segments(source)
    photoshop = b"".join(
        payload[len(PHOTOSHOP_ID) :]
        for marker, payload in segments
        if marker == APP13 and payload.startswith(PHOTOSHOP_ID)
    )
    ours = _segment(APP1, XMP_ID + xmp_packet(info)) + _segment(
        APP13, PHOTOSHOP_ID + photoshop_irb(iptc_iim(info), photoshop)
    )
    head, placed = [b"\xff\xd8"], False
    for marker, payload in segments:
        if payload is None:
            head.append(bytes((0xFF, marker)))
            continue
        if marker == APP1 and payload.startswith((XMP_ID, EXTENDED_XMP_ID)):
            continue  # replaced by ours
        if marker == APP13 and payload.startswith(PHOTOSHOP_ID):
            continue  # merged into ours
        # After JFIF (APP0) and Exif (APP1), where readers expect XMP and IPTC.
        if not placed and not (marker == APP0 or (marker == APP1 and payload[:6] == b"Exif\0\0")):
            head.append(ours)
            placed = True
        head.append(_segment(marker, payload))
    if not placed:
        head.append(ours)
    head.append(b"\xff\xda")
    yield b"".join(head)
    yield from copy_all(source)


# -- PNG -------------------------------------------------------------------------------

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_XMP_KEYWORD = b"XML:com.adobe.xmp"


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png(source: BinaryIO, info: PhotoInfo) -> Iterator[bytes]:
    _read_exactly(source, 8)
    length, kind = struct.unpack(">I4s", _read_exactly(source, 8))
    if kind != b"IHDR" or length != 13:
        raise UnsupportedImage("a PNG file without its header chunk")
    ihdr = struct.pack(">I4s", length, kind) + _read_exactly(source, length + 4)
    # iTXt: keyword, no compression, no language, no translated keyword, the text.
    itxt = _png_chunk(b"iTXt", PNG_XMP_KEYWORD + b"\0\0\0\0\0" + xmp_packet(info))
    yield PNG_SIGNATURE + ihdr + itxt
    while header := source.read(8):
        if len(header) != 8:
            raise UnsupportedImage("the file ends too early")
        length, kind = struct.unpack(">I4s", header)
        if kind == b"iTXt" and length <= MAX_HEADER_BYTES:
            data = _read_exactly(source, length + 4)
            if data.startswith(PNG_XMP_KEYWORD + b"\0"):
                continue  # an older XMP packet: ours replaces it
            yield header + data
            continue
        yield header
        remaining = length + 4  # the data and its CRC
        while remaining:
            chunk = _read_exactly(source, min(CHUNK, remaining))
            remaining -= len(chunk)
            yield chunk


# -- WebP ------------------------------------------------------------------------------

VP8X_XMP, VP8X_ALPHA = 0x04, 0x10


def _webp_chunks(source: BinaryIO) -> list[tuple[bytes, int, int]]:
    """(fourcc, offset of the data, size) of every chunk, by seeking over the data."""
    source.seek(0)
    _riff, riff_size, _webp_id = struct.unpack("<4sI4s", _read_exactly(source, 12))
    chunks, at, end = [], 12, 8 + riff_size
    while at + 8 <= end:
        source.seek(at)
        fourcc, size = struct.unpack("<4sI", _read_exactly(source, 8))
        chunks.append((fourcc, at + 8, size))
        at += 8 + size + size % 2
    if not chunks or at != end:
        raise UnsupportedImage("a damaged WebP file")
    return chunks


def _webp_canvas(source: BinaryIO, fourcc: bytes, offset: int) -> tuple[int, int, bool]:
    """Width, height and whether there is alpha, from a simple file's frame header."""
    source.seek(offset)
    head = _read_exactly(source, 10)
    if fourcc == b"VP8 " and head[3:6] == b"\x9d\x01\x2a":
        width, height = struct.unpack("<HH", head[6:10])
        return width & 0x3FFF, height & 0x3FFF, False
    if fourcc == b"VP8L" and head[0] == 0x2F:
        (bits,) = struct.unpack("<I", head[1:5])
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1, bool((bits >> 28) & 1)
    raise UnsupportedImage("a WebP file whose image header is not understood")


def _webp_chunk(fourcc: bytes, data: bytes) -> bytes:
    return struct.pack("<4sI", fourcc, len(data)) + data + (b"\0" if len(data) % 2 else b"")


def _webp(source: BinaryIO, info: PhotoInfo) -> Iterator[bytes]:
    chunks = [c for c in _webp_chunks(source) if c[0] != b"XMP "]  # ours replaces any
    xmp = _webp_chunk(b"XMP ", xmp_packet(info))
    fourcc, offset, size = chunks[0]
    if fourcc == b"VP8X":
        source.seek(offset)
        vp8x = bytearray(_read_exactly(source, size))
        vp8x[0] |= VP8X_XMP
        first = _webp_chunk(b"VP8X", bytes(vp8x))
        rest = chunks[1:]
    else:
        width, height, alpha = _webp_canvas(source, fourcc, offset)
        flags = VP8X_XMP | (VP8X_ALPHA if alpha else 0)
        canvas = struct.pack("<I", width - 1)[:3] + struct.pack("<I", height - 1)[:3]
        first = _webp_chunk(b"VP8X", bytes((flags, 0, 0, 0)) + canvas)
        rest = chunks
    riff_size = 4 + len(first) + sum(8 + s + s % 2 for _f, _o, s in rest) + len(xmp)
    yield struct.pack("<4sI4s", b"RIFF", riff_size, b"WEBP") + first
    for _fourcc, offset, size in rest:
        source.seek(offset - 8)
        remaining = 8 + size + size % 2
        while remaining:
            chunk = _read_exactly(source, min(CHUNK, remaining))
            remaining -= len(chunk)
            yield chunk
    yield xmp
