"""Cleaning landmark series: visibility gating, short-gap filling, and smoothing.

- ``gate_visibility``: a landmark below the visibility floor becomes NaN (not measurable).
- ``fill_gaps``: NaN runs no longer than ``max_gap_s`` are filled linearly; longer runs stay NaN,
  so a person leaving the frame is never invented.
- ``smooth_zero_phase``: offline smoothing without lag — a NaN-aware centred moving average
  applied twice (a triangular kernel), pure numpy, O(N) per column with cumulative sums.
- ``running_median``: a centred NaN-aware median, for brief spikes a mean would spread.
- ``OneEuroFilter`` / ``one_euro``: causal smoothing for the live path (Casiez et al. 2012),
  little lag when moving fast, strong smoothing when still.

All functions work along axis 0 (time) of arrays of any trailing shape.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import NDArray


def gate_visibility(values: NDArray[Any], visibility: NDArray[Any], floor: float) -> NDArray[Any]:
    """Copy of ``values`` (N, ..., D) with NaN where ``visibility`` (N, ...) < ``floor``."""
    out = np.array(values, dtype=np.float64, copy=True)
    vis = np.asarray(visibility, dtype=np.float64)
    low = ~(vis >= floor)  # NaN visibility counts as low
    out[low] = np.nan
    return out


def runs(mask: NDArray[Any]) -> list[tuple[int, int]]:
    """(start, end) of the True runs of a 1-D bool array, end exclusive."""
    d = np.diff(np.concatenate(([0], np.asarray(mask, dtype=np.int8), [0])))
    return list(zip(np.flatnonzero(d == 1).tolist(), np.flatnonzero(d == -1).tolist(), strict=True))


def fill_gaps(values: NDArray[Any], t: NDArray[Any], max_gap_s: float) -> NDArray[Any]:
    """Linearly fill interior NaN runs lasting at most ``max_gap_s``; leave the rest NaN.

    Runs touching the start or end of the series are not filled (nothing to interpolate to).
    """
    # C order: the reshape below must be a view, or the filling is written to a copy
    x = np.array(values, dtype=np.float64, copy=True, order="C")
    n = x.shape[0]
    if n < 3:
        return x
    flat = x.reshape(n, -1)
    t = np.asarray(t, dtype=np.float64)
    for j in range(flat.shape[1]):
        col = flat[:, j]
        bad = np.isnan(col)
        if not bad.any() or bad.all():
            continue
        fill = np.zeros(n, dtype=bool)
        for s, e in runs(bad):
            if s > 0 and e < n and t[e] - t[s - 1] <= max_gap_s + 1e-9:
                fill[s:e] = True
        if fill.any():
            good = ~bad
            col[fill] = np.interp(t[fill], t[good], col[good])
    return x


def _moving_mean(x: NDArray[Any], half: int, min_count: int) -> NDArray[Any]:
    """Centred NaN-aware moving mean with window 2*half+1 along axis 0 (x is 2-D)."""
    n = x.shape[0]
    valid = np.isfinite(x)
    z = np.where(valid, x, 0.0)
    cs = np.concatenate((np.zeros((1, x.shape[1])), np.cumsum(z, axis=0)), axis=0)
    cn = np.concatenate((np.zeros((1, x.shape[1])), np.cumsum(valid, axis=0)), axis=0)
    lo = np.clip(np.arange(n) - half, 0, n)
    hi = np.clip(np.arange(n) + half + 1, 0, n)
    total = cs[hi] - cs[lo]
    count = cn[hi] - cn[lo]
    with np.errstate(invalid="ignore", divide="ignore"):
        out = total / count
    out[count < min_count] = np.nan
    return np.asarray(out)


def running_median(x: NDArray[Any], half: int) -> NDArray[Any]:
    """NaN-aware median of each frame's ±``half`` neighbours (the frame included), along axis 0
    of an (N,) or (N, D) array; all-NaN windows stay NaN."""
    x2 = x[:, None] if x.ndim == 1 else x
    padded = np.pad(x2, ((half, half), (0, 0)), constant_values=np.nan)
    windows = sliding_window_view(padded, 2 * half + 1, axis=0)  # (N, D, W)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        out = np.nanmedian(windows, axis=-1)
    return np.asarray(out[:, 0] if x.ndim == 1 else out)


def smooth_zero_phase(values: NDArray[Any], fps: float, window_s: float = 0.2) -> NDArray[Any]:
    """Smooth along time without lag: two passes of a centred moving mean of ``window_s``.

    NaN samples are skipped inside the window; a sample stays NaN when it was NaN (smoothing
    never invents data). The effective kernel is triangular, about 2·window_s wide.
    """
    x = np.asarray(values, dtype=np.float64)
    n = x.shape[0]
    if n < 3 or not math.isfinite(fps) or fps <= 0:
        return x.copy()
    half = int(round(window_s * fps / 2.0))
    if half < 1:
        return x.copy()
    flat = x.reshape(n, -1)
    once = _moving_mean(flat, half, min_count=max(1, half // 2))
    twice = _moving_mean(once, half, min_count=max(1, half // 2))
    twice[~np.isfinite(flat)] = np.nan
    return twice.reshape(x.shape)


class OneEuroFilter:
    """Causal One Euro filter over vectors: call it frame by frame with ``(x, t)``.

    ``min_cutoff_hz`` sets the smoothing when still; ``beta`` raises the cutoff with speed.
    NaN inputs pass through as NaN and do not disturb the state.
    """

    def __init__(
        self, min_cutoff_hz: float = 1.0, beta: float = 0.05, d_cutoff_hz: float = 1.0
    ) -> None:
        self.min_cutoff_hz = min_cutoff_hz
        self.beta = beta
        self.d_cutoff_hz = d_cutoff_hz
        self._x: NDArray[Any] | None = None
        self._dx: NDArray[Any] | None = None
        self._t: float | None = None

    @staticmethod
    def _alpha(cutoff: NDArray[Any] | float, dt: float) -> NDArray[Any]:
        tau = 1.0 / (2.0 * math.pi * np.asarray(cutoff, dtype=np.float64))
        return 1.0 / (1.0 + tau / dt)

    def __call__(self, x: NDArray[Any], t: float) -> NDArray[Any]:
        x = np.asarray(x, dtype=np.float64)
        if self._x is None or self._t is None or t <= self._t:
            self._x = x.copy()
            self._dx = np.zeros_like(x)
            self._t = t
            return x.copy()
        dt = t - self._t
        self._t = t
        prev = np.where(np.isfinite(self._x), self._x, x)
        dx = (x - prev) / dt
        a_d = self._alpha(self.d_cutoff_hz, dt)
        last_dx = self._dx if self._dx is not None else np.zeros_like(x)
        dx_hat = np.where(np.isfinite(dx), a_d * dx + (1 - a_d) * last_dx, last_dx)
        cutoff = self.min_cutoff_hz + self.beta * np.abs(dx_hat)
        a = self._alpha(cutoff, dt)
        out = a * x + (1 - a) * prev
        self._dx = dx_hat
        self._x = np.where(np.isfinite(out), out, self._x)
        return np.asarray(out)


def one_euro(
    values: NDArray[Any], t: NDArray[Any], min_cutoff_hz: float = 1.0, beta: float = 0.05
) -> NDArray[Any]:
    """Run a ``OneEuroFilter`` causally over a whole series (axis 0 = time)."""
    x = np.asarray(values, dtype=np.float64)
    out = np.empty_like(x)
    f = OneEuroFilter(min_cutoff_hz=min_cutoff_hz, beta=beta)
    for i in range(x.shape[0]):
        out[i] = f(x[i], float(t[i]))
    return out
