"""Joint angles, lengths and heights from landmark arrays, vectorised over frames.

Every function takes arrays whose last axis is a point (x, y) or (x, y, z) and works on any
leading shape (usually N frames). NaN in, NaN out: a frame with a missing landmark gives NaN,
never an exception.

Angle conventions (written here, where they are computed):

- ``joint_angle_deg(a, b, c)`` is the inside angle at ``b`` between the segments b→a and b→c,
  in 0..180°. **180° = a straight line a–b–c.** So hip extension (shoulder–hip–knee) is 180° when
  shoulder, hip and knee are in line (a full bridge) and about 90°–120° lying with knees bent;
  knee angle (hip–knee–ankle) is 180° with the leg straight, about 90° in a bridge.
- ``line_angle_deg(u, v)`` is the unsigned angle between two *lines* (directions without a
  sense) in 0..90°: 0° = parallel.
- ``vector_angle_deg(u, v)`` is the unsigned angle between two vectors in 0..180°.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

_EPS = 1e-9


def norm(v: NDArray[Any]) -> NDArray[Any]:
    """Euclidean length over the last axis."""
    return np.asarray(np.sqrt(np.sum(np.square(v), axis=-1)))


def distance(a: NDArray[Any], b: NDArray[Any]) -> NDArray[Any]:
    """Distance between points ``a`` and ``b`` (same shape, last axis = coordinates)."""
    return norm(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64))


def midpoint(a: NDArray[Any], b: NDArray[Any]) -> NDArray[Any]:
    return (np.asarray(a, dtype=np.float64) + np.asarray(b, dtype=np.float64)) * 0.5


def vector_angle_deg(u: NDArray[Any], v: NDArray[Any]) -> NDArray[Any]:
    """Unsigned angle between vectors ``u`` and ``v`` in degrees (0..180); NaN for zero length."""
    u = np.asarray(u, dtype=np.float64)
    v = np.asarray(v, dtype=np.float64)
    nu, nv = norm(u), norm(v)
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = np.sum(u * v, axis=-1) / (nu * nv)
    cos = np.where((nu > _EPS) & (nv > _EPS), cos, np.nan)
    return np.asarray(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))


def joint_angle_deg(a: NDArray[Any], b: NDArray[Any], c: NDArray[Any]) -> NDArray[Any]:
    """Inside angle at ``b`` of the chain a–b–c, degrees; 180° = a, b, c in a straight line."""
    b = np.asarray(b, dtype=np.float64)
    return vector_angle_deg(
        np.asarray(a, dtype=np.float64) - b, np.asarray(c, dtype=np.float64) - b
    )


def line_angle_deg(u: NDArray[Any], v: NDArray[Any]) -> NDArray[Any]:
    """Unsigned angle between two lines (no sense) in degrees, 0..90; 0 = parallel."""
    ang = vector_angle_deg(u, v)
    return np.minimum(ang, 180.0 - ang)


def remove_component(v: NDArray[Any], axis: NDArray[Any]) -> NDArray[Any]:
    """``v`` minus its projection on ``axis`` (per frame): projects onto the plane normal to it.

    Used for the sagittal-plane hip angle from world landmarks: removing the left–right (hip
    line) component makes the angle independent of the camera's yaw, so an oblique camera does
    not foreshorten a full lockout into 160–170°.
    """
    v = np.asarray(v, dtype=np.float64)
    axis = np.asarray(axis, dtype=np.float64)
    n = norm(axis)[..., None]
    with np.errstate(invalid="ignore", divide="ignore"):
        unit = np.where(n > _EPS, axis / n, np.nan)
    return np.asarray(v - np.sum(v * unit, axis=-1, keepdims=True) * unit)


def sagittal_joint_angle_deg(
    a: NDArray[Any], b: NDArray[Any], c: NDArray[Any], lateral: NDArray[Any]
) -> NDArray[Any]:
    """Joint angle at ``b`` (180° = straight) measured in the plane normal to ``lateral``.

    ``lateral`` is the body's left–right axis (e.g. left hip → right hip) in 3-D.
    """
    b = np.asarray(b, dtype=np.float64)
    u = remove_component(np.asarray(a, dtype=np.float64) - b, lateral)
    v = remove_component(np.asarray(c, dtype=np.float64) - b, lateral)
    return vector_angle_deg(u, v)


def height_along(p: NDArray[Any], origin: NDArray[Any], up: NDArray[Any]) -> NDArray[Any]:
    """Signed height of point ``p`` above ``origin`` along the unit direction ``up``."""
    return np.asarray(np.sum((np.asarray(p, dtype=np.float64) - origin) * up, axis=-1))


def robust_length(lengths: NDArray[Any], weights: NDArray[Any] | None = None) -> float:
    """A body segment's length for the whole clip: the median over confident frames.

    ``weights`` (same shape) marks confidence; frames with weight < 0.5 are left out when enough
    remain. Returns NaN when nothing is measurable.
    """
    x = np.asarray(lengths, dtype=np.float64).reshape(-1)
    ok = np.isfinite(x) & (x > 0)
    if weights is not None:
        confident = ok & (np.asarray(weights).reshape(-1) >= 0.5)
        if confident.sum() >= max(3, 0.2 * ok.sum()):
            ok = confident
    if not ok.any():
        return float("nan")
    return float(np.median(x[ok]))


def nan_percentile(x: NDArray[Any], q: float) -> float:
    """Percentile ``q`` (0..100, linear interpolation) of the finite values; NaN if none.

    Same result as ``np.percentile`` on the finite values, but far cheaper for the many short
    slices the cue checks take (no ufunc machinery).
    """
    v = np.asarray(x, dtype=np.float64).ravel()
    v = np.sort(v[np.isfinite(v)])
    n = v.size
    if n == 0:
        return float("nan")
    pos = (n - 1) * min(max(q, 0.0), 100.0) / 100.0
    lo = int(pos)
    hi = min(lo + 1, n - 1)
    return float(v[lo] + (v[hi] - v[lo]) * (pos - lo))
