"""Rebuild the CJK fonts the picture export ships (``static/fonts/``) from Noto Sans SC.

The source fonts are the OFL-licensed Noto Sans SC Regular and Bold TrueType files of the
npm package ``@expo-google-fonts/noto-sans-sc`` (0.4.3), 10.5 MB each. They are cut down to
what the atlas can show: GB 2312 (6,763 hanzi and its symbols), Latin-1, general and CJK
punctuation, full-width forms, and every character of the shipped data pack and message
catalogues (traditional characters quoted from seed 004 included). ``tests/unit/test_export_fonts.py``
checks that every character of the pack and catalogues has a glyph, so a new name in the
data that the subset lacks fails a test rather than printing an empty box.

Usage (from the repository root)::

    npm pack @expo-google-fonts/noto-sans-sc@0.4.3 && tar xzf expo-google-fonts-noto-sans-sc-0.4.3.tgz
    .venv/bin/python scripts/subset_fonts.py package/400Regular/NotoSansSC_400Regular.ttf \
        package/700Bold/NotoSansSC_700Bold.ttf
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "static" / "fonts"


def gb2312() -> set[str]:
    chars = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def wanted() -> set[str]:
    chars = gb2312()
    for lo, hi in (
        (0x20, 0x7E),
        (0xA0, 0xFF),
        (0x2000, 0x206F),
        (0x2100, 0x215F),
        (0x2190, 0x21FF),
        (0x2200, 0x22FF),
        (0x2460, 0x24FF),
        (0x25A0, 0x25FF),
        (0x3000, 0x303F),
        (0xFF00, 0xFFEF),
    ):
        chars.update(chr(c) for c in range(lo, hi + 1))
    for folder, pattern in ((ROOT / "geodata" / "pack", "**/*"), (ROOT / "geodata" / "locales", "*.toml")):
        for path in folder.glob(pattern):
            if path.suffix in {".csv", ".geojson", ".txt", ".md", ".toml"}:
                chars.update(path.read_text(encoding="utf-8"))
    return {c for c in chars if c.isprintable() or c == " "}


def main(sources: list[str]) -> None:
    text = "".join(sorted(wanted()))
    OUT.mkdir(parents=True, exist_ok=True)
    for src in sources:
        weight = "Bold" if "Bold" in src else "Regular"
        options = subset.Options()
        options.layout_features = ["*"]
        options.name_IDs = ["*"]
        options.notdef_outline = True
        options.hinting = False  # printed at 96–300 dpi: hinting adds size and nothing visible
        font = subset.load_font(src, options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=text)
        subsetter.subset(font)
        target = OUT / f"NotoSansSC-{weight}-subset.ttf"
        subset.save_font(font, str(target), options)
        print(f"{target.relative_to(ROOT)}: {target.stat().st_size / 1e6:.2f} MB, {len(text)} characters")


if __name__ == "__main__":
    main(sys.argv[1:])
