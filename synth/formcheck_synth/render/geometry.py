"""Small rotation helpers (numpy, right-handed, angles in degrees where named so)."""

from __future__ import annotations

import numpy as np


def axis_angle(axis: np.ndarray, angle_rad: float) -> np.ndarray:
    """Rotation matrix about ``axis`` (any length > 0) by ``angle_rad`` (Rodrigues)."""
    a = np.asarray(axis, dtype=float)
    a = a / np.linalg.norm(a)
    k = np.array([[0.0, -a[2], a[1]], [a[2], 0.0, -a[0]], [-a[1], a[0], 0.0]])
    return np.eye(3) + np.sin(angle_rad) * k + (1.0 - np.cos(angle_rad)) * (k @ k)


def rot_z_deg(angle_deg: float) -> np.ndarray:
    return axis_angle(np.array([0.0, 0.0, 1.0]), np.radians(angle_deg))


def align(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """The smallest rotation taking direction ``src`` onto direction ``dst``."""
    a = np.asarray(src, float) / np.linalg.norm(src)
    b = np.asarray(dst, float) / np.linalg.norm(dst)
    cross = np.cross(a, b)
    s = float(np.linalg.norm(cross))
    c = float(np.dot(a, b))
    if s < 1e-9:
        if c > 0:
            return np.eye(3)
        perp = np.cross(a, [1.0, 0.0, 0.0])
        if np.linalg.norm(perp) < 1e-6:
            perp = np.cross(a, [0.0, 1.0, 0.0])
        return axis_angle(perp, np.pi)
    return axis_angle(cross, np.arctan2(s, c))


def two_bone_ik(
    root: np.ndarray, target: np.ndarray, len_a: float, len_b: float, pole: np.ndarray
) -> np.ndarray:
    """The middle joint of a two-bone chain from ``root`` reaching ``target``.

    The joint bends towards ``pole`` (a direction). A target out of reach leaves the chain
    straight, pointing at the target.
    """
    d = target - root
    dist = float(np.linalg.norm(d))
    u = d / max(dist, 1e-9)
    dist = float(np.clip(dist, abs(len_a - len_b) + 1e-6, len_a + len_b - 1e-6))
    x = (len_a**2 - len_b**2 + dist**2) / (2.0 * dist)
    h = float(np.sqrt(max(len_a**2 - x**2, 0.0)))
    p = np.asarray(pole, float) - np.dot(pole, u) * u
    n = float(np.linalg.norm(p))
    if n < 1e-9:
        p = np.cross(u, [0.0, 0.0, 1.0])
        n = float(np.linalg.norm(p))
    return root + x * u + h * (p / n)


def angle_deg(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Angle at ``b`` of the path a-b-c, degrees (180 = straight); works on stacked points."""
    u = np.asarray(a, float) - b
    v = np.asarray(c, float) - b
    cos = (u * v).sum(-1) / (np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1))
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))
