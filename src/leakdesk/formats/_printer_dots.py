"""Printer tracking dots: find and remove the yellow Machine Identification Code.

Many colour laser printers and copiers add a grid of faint yellow dots to every
page they print (EFF's DocuColor work; Richter et al., "Forensic analysis and
anonymization of printed documents", 2018, whose tool DEDA is GPL-3 and is not
used here).  The grid encodes the printer's serial number and often the date
and time of printing, and it survives scanning at 300 dpi or more.

Detection, on a sample of tiles of the page:

1. *yellowness* of each pixel is ``min(R, G) - B`` (yellow toner absorbs blue
   only) relative to the tile's background, lightly smoothed;
2. *dot candidates* are local maxima of yellowness on bright paper, isolated
   (no other yellow nearby: that rules out yellow text, tints and photos);
3. a tracking grid is a *lattice*: the autocorrelation of the dot positions
   (computed with an FFT) has strong peaks at two non-collinear offsets, i.e.
   many dots have a neighbour at exactly the same offset, far more than random
   specks or noise would give.

Removal never pretends to be perfect: ``grey`` rebuilds the page from the red
and green channels (where yellow toner is invisible) and whitens the paper,
losing colour; ``yellow`` keeps colour and neutralises faint yellow only.
Other printer forensics (banding, toner texture, the printer's geometry) are
not addressed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image

#: Size of the square tiles analysed.
TILE = 512
#: At most this many tiles are analysed per page (spread over the page).
MAX_TILES = 36
#: Smallest yellowness (0-255 scale, after smoothing) of a dot candidate.
MIN_YELLOW = 10
#: Paper around a dot must be at least this bright (red and green channels).
MIN_PAPER = 160
#: Largest lag searched for the lattice, in pixels.
MAX_LAG = 72
#: A lattice offset must be shared by at least this fraction of the dots.
MIN_SHARE = 0.2

Array = NDArray[Any]


@dataclass(frozen=True, slots=True)
class DotGrid:
    """Evidence of a tracking-dot lattice on one page."""

    dots: int  # dot candidates in the tiles that show the lattice
    tiles: int  # tiles showing the lattice
    tiles_examined: int
    period_px: tuple[float, float]  # lengths of the two lattice vectors
    share: float  # fraction of dots with a neighbour at the main lattice offset
    dpi: float | None = None

    @property
    def period_mm(self) -> tuple[float, float] | None:
        if not self.dpi:
            return None
        return (round(self.period_px[0] * 25.4 / self.dpi, 2),
                round(self.period_px[1] * 25.4 / self.dpi, 2))

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "dots": self.dots,
            "tiles_with_grid": self.tiles,
            "tiles_examined": self.tiles_examined,
            "period_px": [round(p, 1) for p in self.period_px],
            "share": round(self.share, 3),
        }
        if self.period_mm:
            out["period_mm"] = list(self.period_mm)
            out["dpi"] = self.dpi
        return out


# -- detection -----------------------------------------------------------------

def _box_mean(a: Array, k: int) -> Array:
    """Mean over a (2k+1)² window (edges use the partial window), via integral images."""
    pad = np.pad(a.astype(np.float64), k, mode="edge")
    c = pad.cumsum(0).cumsum(1)
    c = np.pad(c, ((1, 0), (1, 0)))
    n = 2 * k + 1
    s = c[n:, n:] - c[:-n, n:] - c[n:, :-n] + c[:-n, :-n]
    return np.asarray(s / (n * n))


def _max_filter(a: Array, k: int) -> Array:
    """Max over a (2k+1)² window, separable."""
    out = a.copy()
    pad = np.pad(a, ((k, k), (0, 0)), mode="edge")
    for d in range(2 * k + 1):
        np.maximum(out, pad[d : d + a.shape[0]], out=out)
    res = out.copy()
    pad = np.pad(out, ((0, 0), (k, k)), mode="edge")
    for d in range(2 * k + 1):
        np.maximum(res, pad[:, d : d + a.shape[1]], out=res)
    return res


def dot_candidates(rgb: Array, radius: int = 4) -> tuple[Array, Array]:
    """Row and column indices of isolated faint-yellow dots in an RGB tile."""
    a = rgb.astype(np.int16)
    rg = np.minimum(a[..., 0], a[..., 1])
    yel = (rg - a[..., 2]).astype(np.float64)
    yel -= float(np.median(yel))  # cream paper or a colour cast is not yellow ink
    smooth = _box_mean(yel, 1)
    cand = (smooth >= MIN_YELLOW) & (rg >= MIN_PAPER)
    if not cand.any():
        empty = np.zeros(0, dtype=np.intp)
        return empty, empty
    peak = cand & (smooth >= _max_filter(smooth, radius))
    # isolation: little other yellow, and bright paper, around the dot
    yellow_px = (yel >= MIN_YELLOW).astype(np.float64)
    near = _box_mean(yellow_px, radius * 2)
    paper = _box_mean(rg.astype(np.float64), radius * 2)
    ok = peak & (near <= 0.12) & (paper >= MIN_PAPER + 30)
    ys, xs = np.nonzero(ok)
    if len(ys) > 1:  # flat tops give twin maxima: keep the first of each pair
        keep = np.ones(len(ys), dtype=bool)
        seen: set[tuple[int, int]] = set()
        for i, (y, x) in enumerate(zip(ys.tolist(), xs.tolist(), strict=True)):
            if any((y + dy, x + dx) in seen for dy in (-1, 0, 1) for dx in (-2, -1, 0, 1, 2)):
                keep[i] = False
            seen.add((y, x))
        ys, xs = ys[keep], xs[keep]
    return ys, xs


def lattice(ys: Array, xs: Array, shape: tuple[int, int],
            min_lag: int = 5) -> tuple[float, tuple[float, float], float] | None:
    """Test dot positions for a 2-D lattice.

    Returns ``(share, (p1, p2), share2)``: the fraction of dots with a neighbour at
    the strongest offset, the lengths of the two strongest non-collinear offsets,
    and the share of the second; or None when there are too few dots.
    """
    n = len(ys)
    if n < 12:
        return None
    h, w = shape
    m = np.zeros((h, w), dtype=np.float64)
    m[ys, xs] = 1.0
    f = np.fft.rfft2(m, s=(2 * h, 2 * w))
    ac = np.fft.irfft2(f * np.conj(f), s=(2 * h, 2 * w))
    lag = min(MAX_LAG, h - 1, w - 1)
    # lags -lag..lag in both axes, centred
    rows = np.r_[2 * h - lag : 2 * h, 0 : lag + 1]
    cols = np.r_[2 * w - lag : 2 * w, 0 : lag + 1]
    win = ac[np.ix_(rows, cols)]
    # tolerate a pixel of jitter: sum each 3x3 neighbourhood of lags
    pad = np.pad(win, 1)
    s = sum(pad[dy : dy + win.shape[0], dx : dx + win.shape[1]]
            for dy in range(3) for dx in range(3))
    yy, xx = np.mgrid[-lag : lag + 1, -lag : lag + 1]
    dist = np.hypot(yy, xx)
    s = np.where((dist >= min_lag) & ((yy > 0) | ((yy == 0) & (xx > 0))), s, 0.0)
    share = s / n
    y1, x1, best = _shortest_strong(share, yy, xx, dist)
    # second vector: not collinear with the first (angle > ~20 degrees)
    cross = np.abs(yy * x1 - xx * y1) / (np.hypot(y1, x1) * np.maximum(dist, 1e-9))
    share2_arr = np.where(cross > 0.35, share, 0.0)
    y2, x2, second = _shortest_strong(share2_arr, yy, xx, dist)
    return best, (float(np.hypot(y1, x1)), float(np.hypot(y2, x2))), second


def _shortest_strong(share: Array, yy: Array, xx: Array, dist: Array) -> tuple[int, int, float]:
    """The shortest offset whose share is within 80 % of the best (the lattice's
    fundamental rather than one of its multiples)."""
    best = float(share.max())
    strong = share >= 0.8 * best
    d = np.where(strong, dist, np.inf)
    i = int(np.argmin(d))
    return int(yy.flat[i]), int(xx.flat[i]), float(share.flat[i])


def _tiles(width: int, height: int) -> list[tuple[int, int, int, int]]:
    if width <= TILE and height <= TILE:
        return [(0, 0, width, height)]
    nx = max(1, min(6, width // TILE))
    ny = max(1, min(6, height // TILE))
    out = []
    for j in range(ny):
        for i in range(nx):
            x = 0 if nx == 1 else round(i * (width - TILE) / (nx - 1))
            y = 0 if ny == 1 else round(j * (height - TILE) / (ny - 1))
            out.append((x, y, min(width, x + TILE), min(height, y + TILE)))
    return out[:MAX_TILES]


def find_dots(img: Image.Image, dpi: float | None = None) -> DotGrid | None:
    """Look for a tracking-dot lattice on one page; None when there is none."""
    if img.mode not in ("RGB", "RGBA", "CMYK", "P", "YCbCr", "LAB", "HSV"):
        return None  # greyscale and bilevel pages cannot carry yellow dots
    width, height = img.size
    if width < 64 or height < 64:
        return None
    radius = 4 if not dpi or dpi < 450 else 6
    min_lag = 5
    if dpi and dpi > 0:
        min_lag = max(min_lag, round(0.3 / 25.4 * dpi))  # dots at least 0.3 mm apart
    hits: list[tuple[int, float, float, float]] = []
    examined = 0
    for box in _tiles(width, height):
        tile = img.crop(box)
        if tile.mode != "RGB":
            tile = tile.convert("RGB")
        rgb = np.asarray(tile)
        ys, xs = dot_candidates(rgb, radius)
        if len(ys) < 12:
            continue
        examined += 1
        res = lattice(ys, xs, rgb.shape[:2], min_lag)
        if res is None:
            continue
        share, (p1, p2), share2 = res
        density = len(ys) / float(rgb.shape[0] * rgb.shape[1])
        chance = 9.0 * density  # neighbours expected at one offset by chance
        if share >= max(MIN_SHARE, 5 * chance) and share2 >= max(MIN_SHARE * 0.6, 3 * chance):
            hits.append((len(ys), share, p1, p2))
    if not hits or examined == 0:
        return None
    if len(hits) < max(1, round(0.25 * examined)):
        return None
    dots = sum(h[0] for h in hits)
    share = float(np.median([h[1] for h in hits]))
    p1 = float(np.median([h[2] for h in hits]))
    p2 = float(np.median([h[3] for h in hits]))
    return DotGrid(dots, len(hits), examined, (p1, p2), share, dpi)


# -- removal -------------------------------------------------------------------

#: Modes of :func:`suppress`.
MODES = ("grey", "yellow")


def suppress(img: Image.Image, mode: str = "grey", *, whiten: int = 225) -> Image.Image:
    """Remove faint yellow from a page.

    ``grey``: a greyscale page from the red and green channels (yellow toner
    does not show there), with everything lighter than ``whiten`` made paper
    white.  ``yellow``: colour kept; faint yellow on light paper is neutralised
    (blue raised to the red/green level); strong yellow (highlighter, logos)
    is left alone.
    """
    if mode not in MODES:
        raise ValueError(f"unknown printer-dot mode {mode!r}: use grey or yellow")
    src = img if img.mode == "RGB" else img.convert("RGB")
    width, height = src.size
    out = Image.new("L" if mode == "grey" else "RGB", (width, height))
    band = 256
    for top in range(0, height, band):
        box = (0, top, width, min(height, top + band))
        a = np.asarray(src.crop(box)).astype(np.int32)
        if mode == "grey":
            g = (a[..., 0] + a[..., 1]) // 2
            g = np.clip(g * 255 // max(whiten, 1), 0, 255)
            part = Image.fromarray(g.astype(np.uint8), "L")
        else:
            rg = np.minimum(a[..., 0], a[..., 1])
            faint = (rg - a[..., 2] > 0) & (rg - a[..., 2] <= 100) & (rg >= MIN_PAPER)
            b = np.where(faint, rg, a[..., 2])
            a = np.stack([a[..., 0], a[..., 1], b], axis=-1)
            part = Image.fromarray(a.astype(np.uint8), "RGB")
        out.paste(part, (0, top))
    return out
