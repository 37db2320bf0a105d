"""Small vectorised geometry helpers for the synthetic skeleton (scene frame, metres).

Scene frame: x along the floor from the athlete's head toward the feet, y up, z toward the
athlete's right (so the athlete's left is −z). Arrays are (N, 3) unless said otherwise.
"""

from __future__ import annotations

import numpy as np


def unit(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.where(n > 1e-12, n, 1.0)


def dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=-1)


def angle_deg(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Angle a–b–c at b in degrees (0..180)."""
    u, v = unit(a - b), unit(c - b)
    return np.degrees(np.arccos(np.clip(dot(u, v), -1.0, 1.0)))


def sagittal(p: np.ndarray) -> np.ndarray:
    """Project onto the athlete's sagittal plane (drop z): what a side camera sees."""
    q = np.array(p, dtype=np.float64, copy=True)
    q[..., 2] = 0.0
    return q


def two_link(
    root: np.ndarray, target: np.ndarray, l1: float, l2: float, pole: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Middle joint of a two-segment limb from ``root`` to ``target``, bent toward ``pole``.

    Returns (middle, end): ``end`` is the target pulled in where it is out of reach.
    """
    d = target - root
    dist = np.linalg.norm(d, axis=-1, keepdims=True)
    lo, hi = abs(l1 - l2) + 1e-4, l1 + l2 - 1e-4
    dist_c = np.clip(dist, lo, hi)
    u = d / np.where(dist > 1e-12, dist, 1.0)
    along = (l1**2 - l2**2 + dist_c**2) / (2.0 * dist_c)
    h = np.sqrt(np.clip(l1**2 - along**2, 0.0, None))
    p = unit(pole - dot(pole, u)[..., None] * u)
    return root + along * u + h * p, root + dist_c * u


def rotate_about(p: np.ndarray, origin: np.ndarray, axis: np.ndarray, ang: np.ndarray) -> np.ndarray:
    """Rotate points ``p`` about the line (origin, axis) by ``ang`` radians (Rodrigues)."""
    k = unit(axis)
    v = p - origin
    c, s = np.cos(ang)[..., None], np.sin(ang)[..., None]
    return origin + v * c + np.cross(k, v) * s + k * dot(k, v)[..., None] * (1.0 - c)


def knee_to_gap(
    hip: np.ndarray, knee: np.ndarray, ankle: np.ndarray, target_z: np.ndarray
) -> np.ndarray:
    """Swing the knee about the hip–ankle line until its z equals ``target_z`` (if reachable).

    This is how knees cave in or push out in a bridge: hips and feet stay put.
    """
    axis = unit(ankle - hip)
    centre = hip + dot(knee - hip, axis)[..., None] * axis
    r_vec = knee - centre
    r = np.linalg.norm(r_vec, axis=-1)
    e1 = unit(r_vec)
    e2 = np.cross(axis, e1)
    a, b = r * e1[:, 2], r * e2[:, 2]
    rhs = target_z - centre[:, 2]
    amp = np.hypot(a, b)
    phi = np.arctan2(b, a)
    ratio = np.clip(rhs / np.where(amp > 1e-9, amp, 1.0), -1.0, 1.0)
    delta = np.arccos(ratio)
    g1, g2 = phi - delta, phi + delta
    g1 = (g1 + np.pi) % (2 * np.pi) - np.pi
    g2 = (g2 + np.pi) % (2 * np.pi) - np.pi
    gamma = np.where(np.abs(g1) < np.abs(g2), g1, g2)
    return centre + r[:, None] * (np.cos(gamma)[:, None] * e1 + np.sin(gamma)[:, None] * e2)


def smooth_step(tau: np.ndarray, blend: float = 0.3, end_blend: float | None = None) -> np.ndarray:
    """0→1 with a trapezoidal speed profile: accelerate over ``blend``, cruise, decelerate
    over ``end_blend`` (default ``blend``); fractions of the duration."""
    b0, b1 = blend, blend if end_blend is None else end_blend
    tau = np.clip(tau, 0.0, 1.0)
    v = 1.0 / (1.0 - (b0 + b1) / 2.0)
    out = v * (tau - b0 / 2.0)
    head, tail = tau < b0, tau > 1.0 - b1
    out = np.where(head, v * tau**2 / (2 * b0), out)
    out = np.where(tail, 1.0 - v * (1.0 - tau) ** 2 / (2 * b1), out)
    return out


def ease_in(tau: np.ndarray) -> np.ndarray:
    """0→1 accelerating to the end (a fall)."""
    return np.clip(tau, 0.0, 1.0) ** 2


def trunk_axes(pitch_deg: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(s, a, l) unit vectors of the trunk for a trunk pitch in degrees (see motion.py)."""
    al = np.radians(np.asarray(pitch_deg, dtype=np.float64))
    zero = np.zeros_like(al)
    s = np.stack([-np.cos(al), -np.sin(al), zero], axis=-1)
    a = np.stack([-np.sin(al), np.cos(al), zero], axis=-1)
    left = np.stack([zero, zero, -np.ones_like(al)], axis=-1)
    return s, a, left


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) index pairs of the True runs of a boolean array (the synthetic athlete's
    own, as the truth imports no engine code)."""
    d = np.diff(np.concatenate([[0], mask.astype(int), [0]]))
    return list(zip(np.flatnonzero(d == 1).tolist(), np.flatnonzero(d == -1).tolist(), strict=True))
