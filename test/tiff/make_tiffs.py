"""TIFF fixtures with Pillow's own RGB for each: `python3 make_tiffs.py OUT_DIR`.

For every case it writes OUT_DIR/<case>.tif, OUT_DIR/<case>.rgb (the raw bytes of Pillow's
Image.open(tif).convert('RGB'), the reference the decoder must equal) and OUT_DIR/<case>.png (the same
pixels as a PNG, for scoring comparisons), then prints a JSON list of {name, width, height, mode}.
Pillow writes the common layouts itself; the layouts it cannot write (MinIsWhite, big-endian 8-bit,
premultiplied alpha, 16-bit RGB, several strips, tiles) are assembled here byte by byte and still read
back through Pillow for the reference.
"""

import io
import json
import struct
import sys
import zlib

from PIL import Image

W, H = 37, 23  # odd sizes: rows that are not a multiple of anything


def ramp(channels, bits):
    """Samples that vary along x, y and channel; 16-bit ones cover 0..65535 and the clipping edge."""
    out = []
    for y in range(H):
        for x in range(W):
            for c in range(channels):
                if bits == 8:
                    out.append((x * 7 + y * 11 + c * 70) % 256)
                else:
                    # Mostly small values (where clipping and scaling differ), some large ones.
                    v = (x * 13 + y * 29 + c * 400) % 600
                    out.append(65535 if (x + y) % 9 == 0 else v * (97 if (x * y) % 5 == 0 else 1))
    return [min(v, 65535) for v in out]


def pillow_tiff(mode, samples, **save):
    raw = (
        bytes(samples)
        if mode in ("L", "LA", "RGB", "RGBA")
        else b"".join(struct.pack(">H" if mode == "I;16B" else "<H", v) for v in samples)
    )
    im = Image.frombytes(mode, (W, H), raw)
    buf = io.BytesIO()
    im.save(buf, format="TIFF", **save)
    return buf.getvalue()


def hand_tiff(spp, bits, photometric, samples, extra=None, be=False, rows_per_strip=None, tile=None, deflate=None):
    """A TIFF, strips or tiles, in either byte order; uncompressed or zlib with compression tag `deflate`."""
    e = ">" if be else "<"
    fmt = "B" if bits == 8 else "H"
    bpp = spp * bits // 8

    def pixels(x0, y0, w, h):
        out = bytearray()
        for y in range(y0, y0 + h):
            for x in range(x0, x0 + w):
                if x < W and y < H:
                    i = (y * W + x) * spp
                    out += struct.pack(e + fmt * spp, *samples[i : i + spp])
                else:
                    out += bytes(bpp)  # tile padding past the image edge
        return bytes(out)

    if tile:
        blocks = [pixels(tx, ty, tile, tile) for ty in range(0, H, tile) for tx in range(0, W, tile)]
    else:
        rps = rows_per_strip or H
        blocks = [pixels(0, y, W, min(rps, H - y)) for y in range(0, H, rps)]
    if deflate:
        blocks = [zlib.compress(b) for b in blocks]
    entries = [
        (256, 4, [W]),
        (257, 4, [H]),
        (258, 3, [bits] * spp),
        (259, 3, [deflate or 1]),
        (262, 3, [photometric]),
        (277, 3, [spp]),
        (284, 3, [1]),
    ]
    if tile:
        entries += [(322, 4, [tile]), (323, 4, [tile]), (324, 4, None), (325, 4, [len(b) for b in blocks])]
    else:
        entries += [(273, 4, None), (278, 4, [rows_per_strip or H]), (279, 4, [len(b) for b in blocks])]
    if extra is not None:
        entries.append((338, 3, extra))
    entries.sort()
    n = len(entries)
    ext_off = 8 + 2 + 12 * n + 4
    # Block offsets: after the IFD, the out-of-line values (at most 8 bytes per value) and padding.
    ext_size = sum(4 * len(blocks) if v is None else len(v) * (2 if t == 3 else 4) for _, t, v in entries)
    data_off = ext_off + ext_size + 16
    offsets, o = [], data_off
    for b in blocks:
        offsets.append(o)
        o += len(b)
    ext = b""
    out = (b"MM" if be else b"II") + struct.pack(e + "HI", 42, 8) + struct.pack(e + "H", n)
    for tag, typ, vals in entries:
        vals = offsets if vals is None else vals
        raw = b"".join(struct.pack(e + ("H" if typ == 3 else "I"), v) for v in vals)
        if len(raw) <= 4:
            field = raw.ljust(4, b"\0")
        else:
            field = struct.pack(e + "I", ext_off + len(ext))
            ext += raw
        out += struct.pack(e + "HHI", tag, typ, len(vals)) + field
    out += struct.pack(e + "I", 0) + ext
    out += bytes(data_off - len(out))
    return out + b"".join(blocks)


CASES = {
    "grey16": lambda: pillow_tiff("I;16", ramp(1, 16)),
    "grey16-be": lambda: pillow_tiff("I;16B", ramp(1, 16)),
    "grey16-lzw": lambda: pillow_tiff("I;16", ramp(1, 16), compression="tiff_lzw"),
    "rgb-lzw": lambda: pillow_tiff("RGB", ramp(3, 8), compression="tiff_lzw"),
    "rgb-lzw-predictor": lambda: pillow_tiff("RGB", ramp(3, 8), compression="tiff_lzw", tiffinfo={317: 2}),
    "rgb-deflate": lambda: pillow_tiff("RGB", ramp(3, 8), compression="tiff_adobe_deflate"),
    "rgb-deflate-old": lambda: hand_tiff(3, 8, 2, ramp(3, 8), rows_per_strip=8, deflate=32946),
    "rgb-packbits": lambda: pillow_tiff("RGB", ramp(3, 8), compression="packbits"),
    "rgba": lambda: pillow_tiff("RGBA", ramp(4, 8)),
    "grey8": lambda: pillow_tiff("L", ramp(1, 8)),
    "grey8-lzw": lambda: pillow_tiff("L", ramp(1, 8), compression="tiff_lzw"),
    "grey-alpha": lambda: pillow_tiff("LA", ramp(2, 8)),
    "grey8-miniswhite": lambda: hand_tiff(1, 8, 0, ramp(1, 8)),
    "rgb-be": lambda: hand_tiff(3, 8, 2, ramp(3, 8), be=True),
    "rgb-strips": lambda: hand_tiff(3, 8, 2, ramp(3, 8), rows_per_strip=5),
    "rgb-tiles": lambda: hand_tiff(3, 8, 2, ramp(3, 8), tile=16),
    "grey16-tiles-be": lambda: hand_tiff(1, 16, 1, ramp(1, 16), be=True, tile=16),
    "rgba-premultiplied": lambda: hand_tiff(4, 8, 2, ramp(4, 8), extra=[1]),
    "rgb16": lambda: hand_tiff(3, 16, 2, ramp(3, 16)),
    "rgba16-be": lambda: hand_tiff(4, 16, 2, ramp(4, 16), extra=[2], be=True),
}


def main(out_dir, names):
    listed = []
    for name in names or CASES:
        tif = CASES[name]()
        im = Image.open(io.BytesIO(tif))
        rgb = im.convert("RGB")
        assert rgb.size == (W, H), (name, rgb.size)
        with open(f"{out_dir}/{name}.tif", "wb") as f:
            f.write(tif)
        with open(f"{out_dir}/{name}.rgb", "wb") as f:
            f.write(rgb.tobytes())
        rgb.save(f"{out_dir}/{name}.png")
        listed.append({"name": name, "width": W, "height": H, "mode": im.mode})
    print(json.dumps(listed))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
