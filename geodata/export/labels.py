"""Map labels without overlap, placed as cartographic software does.

Labels are placed one by one, most important first. Each tries the usual positions around
its point (right, left, above, below, then the diagonals), then the same directions further
out with a thin leader line back to the point. A position is taken only if the label stays
inside the map frame and touches no label already placed and none of the map's furniture
(legend, north arrow, scale bar); positions that also keep clear of other markers are
preferred. A label that finds no place is drawn as a small number instead, and the caller
lists the numbers in a key; if even the number finds no place the label is left out
(reported as dropped: the brochure lists every neighbour beside its map anyway).

Why not ``adjustText``: it pushes labels apart iteratively and stops after a number of
steps, so it does not promise a layout without overlap, and it has no notion of giving a
less important label up; a map for print needs both. The greedy placement here is
deterministic (the same page every time) and checkable with the drawn text's own
bounding boxes (``text_overlaps``).

Works in display units with the figure's renderer, so a label's size is measured, not
guessed. Pure matplotlib; no Streamlit.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

#: (dx, dy) unit directions in the order positions are tried: right, left, up, down, diagonals.
_DIRECTIONS: tuple[tuple[float, float], ...] = (
    (1, 0), (-1, 0), (0, 1), (0, -1),
    (1, 1), (-1, 1), (1, -1), (-1, -1),
)  # fmt: skip
#: How far from the point a label sits, as multiples of its gap: close by, then on a leader line.
_RINGS: tuple[float, ...] = (1.0, 2.6, 4.2)
#: Breathing room between two labels (display pixels at 96 dpi; scaled with the figure's dpi).
_PAD_PX = 1.5


@dataclass(frozen=True)
class Label:
    """One label to place: its point (data coordinates), text, importance and look."""

    x: float
    y: float
    text: str
    priority: float = 0.0  # higher is placed first
    size: float = 7.0  # points
    bold: bool = False
    color: str = "#222"
    gap: float = 4.0  # points between the point and the label (its marker's radius and a little)


@dataclass(frozen=True)
class Placement:
    """What became of the labels: drawn by name, drawn as a number (the key), or left out."""

    named: tuple[str, ...]
    numbered: tuple[tuple[int, str], ...]
    dropped: tuple[str, ...]


class _Box:
    __slots__ = ("x0", "x1", "y0", "y1")

    def __init__(self, x0: float, y0: float, x1: float, y1: float):
        self.x0, self.y0, self.x1, self.y1 = x0, y0, x1, y1

    def hits(self, other: _Box, pad: float = 0.0) -> bool:
        return not (
            self.x1 + pad <= other.x0
            or other.x1 + pad <= self.x0
            or self.y1 + pad <= other.y0
            or other.y1 + pad <= self.y0
        )

    def inside(self, frame: _Box) -> bool:
        return self.x0 >= frame.x0 and self.y0 >= frame.y0 and self.x1 <= frame.x1 and self.y1 <= frame.y1


def _box(bbox) -> _Box:
    return _Box(bbox.x0, bbox.y0, bbox.x1, bbox.y1)


def boxes_overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    """Whether two boxes (x0, y0, x1, y1) share any area (touching edges do not count).

    >>> boxes_overlap((0, 0, 2, 1), (1, 0.5, 3, 2)), boxes_overlap((0, 0, 1, 1), (1, 0, 2, 1))
    (True, False)
    """
    return _Box(*a).hits(_Box(*b))


def _anchor(dx: float, dy: float) -> tuple[str, str]:
    ha = "left" if dx > 0 else "right" if dx < 0 else "center"
    va = "bottom" if dy > 0 else "top" if dy < 0 else "center"
    return ha, va


def _candidate(px: float, py: float, w: float, h: float, dx: float, dy: float, dist: float) -> _Box:
    """The box of a ``w`` × ``h`` label set ``dist`` pixels from (px, py) in direction (dx, dy)."""
    norm = math.hypot(dx, dy) or 1.0
    ox, oy = px + dx / norm * dist, py + dy / norm * dist
    ha, va = _anchor(dx, dy)
    x0 = ox if ha == "left" else ox - w if ha == "right" else ox - w / 2
    y0 = oy if va == "bottom" else oy - h if va == "top" else oy - h / 2
    return _Box(x0, y0, x0 + w, y0 + h)


def point_box(ax, x: float, y: float, radius_pt: float):
    """The display box of a circle of ``radius_pt`` points around (x, y), to pass as ``avoid``."""
    from matplotlib.transforms import Bbox

    px, py = ax.transData.transform((x, y))
    r = radius_pt * ax.figure.dpi / 72
    return Bbox([[px - r, py - r], [px + r, py + r]])


def marker_boxes(ax, renderer) -> list[_Box]:
    """Boxes around every scatter marker drawn in ``ax`` (what labels should rather not cover)."""
    from matplotlib.collections import PathCollection

    out = []
    scale = ax.figure.dpi / 72
    for coll in ax.collections:
        if not isinstance(coll, PathCollection) or not len(coll.get_offsets()):
            continue
        sizes = coll.get_sizes()
        centres = coll.get_offset_transform().transform(coll.get_offsets())
        for i, (cx, cy) in enumerate(centres):
            r = math.sqrt(sizes[i % len(sizes)] if len(sizes) else 36.0) / 2 * scale
            out.append(_Box(cx - r, cy - r, cx + r, cy + r))
    return out


def _arrow_boxes(ax, renderer) -> list[_Box]:
    """The arrows of annotations (the north arrow is one, without text)."""
    out = []
    for t in ax.texts:
        patch = getattr(t, "arrow_patch", None)
        if patch is not None and t.get_visible():
            t.update_positions(renderer)  # the arrow is laid out at draw time; lay it out now
            out.append(_box(patch.get_window_extent(renderer)))
    return out


def furniture_boxes(ax, renderer) -> list[_Box]:
    """Boxes of what is already written on the map: texts, the legend, the scale bar's panel."""
    out = [_box(t.get_window_extent(renderer)) for t in ax.texts if t.get_visible() and t.get_text()]
    out += _arrow_boxes(ax, renderer)
    legend = ax.get_legend()
    if legend is not None and legend.get_visible():
        out.append(_box(legend.get_window_extent(renderer)))
    for patch in ax.patches:
        if patch.get_zorder() >= 29 and patch.get_visible():  # the scale bar and its white panel
            out.append(_box(patch.get_window_extent(renderer)))
    return out


def place_labels(
    ax,
    labels: Sequence[Label],
    *,
    avoid: Iterable = (),
    zorder: float = 35,
    halo: float = 2.2,
    first_number: int = 1,
    numbers: bool = True,
) -> Placement:
    """Draw ``labels`` in ``ax`` without overlap; call after everything else on the map is drawn.

    ``avoid``: extra display-space boxes (matplotlib ``Bbox``) to keep clear of; ``numbers``:
    whether a label that finds no place becomes a number (the caller prints the key) or is left
    out (for names that need no key, such as districts outlined on the map). Returns which
    labels were drawn by name, which as a number (for the caller's key), which were left out.
    """
    from matplotlib import patheffects
    from matplotlib.transforms import offset_copy

    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    px_per_pt = fig.dpi / 72
    pad = _PAD_PX * fig.dpi / 96
    frame = _box(ax.get_window_extent(renderer))
    inner = _Box(frame.x0 + pad, frame.y0 + pad, frame.x1 - pad, frame.y1 - pad)
    taken: list[_Box] = furniture_boxes(ax, renderer) + [_box(b) for b in avoid]
    markers = marker_boxes(ax, renderer)
    effects = [patheffects.withStroke(linewidth=halo, foreground="white")] if halo else []

    def measure(text: str, size: float, bold: bool) -> tuple[float, float]:
        probe = ax.text(0, 0, text, fontsize=size, fontweight="bold" if bold else "normal")
        bb = probe.get_window_extent(renderer)
        probe.remove()
        return bb.width, bb.height

    def spots(gap_px: float, h: float, rings: Sequence[float]) -> list[tuple[float, float, float]]:
        if gap_px > 0:
            return [(dx, dy, gap_px * ring) for ring in rings for dx, dy in _DIRECTIONS]
        # an area's name (gap 0) sits on its point, or moves off it by at most a label's height:
        # moved further (or on a leader line) it would seem to name a neighbour
        return [(0.0, 0.0, 0.0)] + [(dx, dy, h * ring) for ring in (0.5, 1.0) for dx, dy in _DIRECTIONS]

    def find(px, py, w, h, gap_px, rings) -> tuple[_Box, float, float, float] | None:
        # other markers, not the label's own (a label may touch its own marker's box at a diagonal)
        others = [m for m in markers if not (m.x0 <= px <= m.x1 and m.y0 <= py <= m.y1)]
        fallback = None
        for dx, dy, dist in spots(gap_px, h, rings):
            cand = _candidate(px, py, w, h, dx, dy, dist)
            if not cand.inside(inner) or any(cand.hits(b, pad) for b in taken):
                continue
            if not any(cand.hits(m) for m in others):
                return cand, dx, dy, dist  # a free place, close by or on a leader line
            fallback = fallback or (cand, dx, dy, dist)  # the nearest place over another marker
        return fallback

    def draw(lbl: Label, text: str, size: float, spot, px, py) -> None:
        _, dx, dy, dist = spot
        norm = math.hypot(dx, dy) or 1.0
        ha, va = _anchor(dx, dy)
        ox, oy = dx / norm * dist / px_per_pt, dy / norm * dist / px_per_pt  # points
        ax.text(
            lbl.x, lbl.y, text, transform=offset_copy(ax.transData, fig=fig, x=ox, y=oy, units="points"),
            ha=ha, va=va, fontsize=size, fontweight="bold" if lbl.bold else "normal", color=lbl.color,
            zorder=zorder, path_effects=effects, clip_on=False,
        )  # fmt: skip
        if (
            lbl.gap > 0 and dist > lbl.gap * px_per_pt * 1.5
        ):  # a leader line from the marker's edge to the label
            inv = ax.transData.inverted()
            start = inv.transform(
                (px + dx / norm * lbl.gap * px_per_pt * 0.8, py + dy / norm * lbl.gap * px_per_pt * 0.8)
            )
            end = inv.transform((px + dx / norm * dist, py + dy / norm * dist))
            ax.plot([start[0], end[0]], [start[1], end[1]], color="#555", linewidth=0.6, zorder=zorder - 1,
                    solid_capstyle="butt")  # fmt: skip

    named, numbered, dropped = [], [], []
    number = first_number
    order = sorted(range(len(labels)), key=lambda i: -labels[i].priority)  # stable: ties keep their order
    for i in order:
        lbl = labels[i]
        px, py = ax.transData.transform((lbl.x, lbl.y))
        if not (frame.x0 <= px <= frame.x1 and frame.y0 <= py <= frame.y1):
            continue  # its point is off the map: nothing to label
        gap_px = lbl.gap * px_per_pt
        w, h = measure(lbl.text, lbl.size, lbl.bold)
        spot = find(px, py, w, h, gap_px, _RINGS)
        if spot is not None:
            taken.append(spot[0])
            draw(lbl, lbl.text, lbl.size, spot, px, py)
            named.append(lbl.text)
            continue
        if not numbers:
            dropped.append(lbl.text)
            continue
        mark = str(number)
        w, h = measure(mark, lbl.size, True)
        spot = find(px, py, w, h, gap_px, _RINGS)
        if spot is not None:
            taken.append(spot[0])
            draw(
                Label(lbl.x, lbl.y, mark, lbl.priority, lbl.size, True, lbl.color, lbl.gap),
                mark,
                lbl.size,
                spot,
                px,
                py,
            )
            numbered.append((number, lbl.text))
            number += 1
        else:
            dropped.append(lbl.text)
    return Placement(tuple(named), tuple(numbered), tuple(dropped))


def text_overlaps(ax) -> list[tuple[str, str]]:
    """Pairs of visible texts in ``ax`` whose drawn bounding boxes overlap (what a test checks).

    Texts are measured with the figure's own renderer, as drawn; the legend counts as one box,
    and so does each annotation's arrow (the north arrow).
    """
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    items = [
        (t.get_text(), _box(t.get_window_extent(renderer)))
        for t in ax.texts
        if t.get_visible() and t.get_text().strip()
    ]
    legend = ax.get_legend()
    if legend is not None and legend.get_visible():
        items.append(("<legend>", _box(legend.get_window_extent(renderer))))
    items += [("<arrow>", box) for box in _arrow_boxes(ax, renderer)]
    out = []
    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            if items[i][1].hits(items[j][1]):
                out.append((items[i][0], items[j][0]))
    return out
