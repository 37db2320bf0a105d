"""Angles and lengths: the conventions written in formcheck.kinematics, checked."""

from __future__ import annotations

import math

import numpy as np
import pytest

from formcheck import kinematics as kin


@pytest.mark.parametrize(
    ("a", "b", "c", "expected"),
    [
        ((0, 0), (1, 0), (2, 0), 180.0),  # straight line: full hip extension
        ((0, 1), (0, 0), (1, 0), 90.0),
        ((1, 1), (0, 0), (1, 0), 45.0),
        ((1, 0), (0, 0), (1, 0), 0.0),
        ((0, 0, 0), (1, 0, 0), (1, 1, 0), 90.0),
    ],
)
def test_joint_angle_is_180_for_a_straight_chain(a, b, c, expected) -> None:
    got = kin.joint_angle_deg(np.array(a, float), np.array(b, float), np.array(c, float))
    assert float(got) == pytest.approx(expected, abs=1e-9)


def test_joint_angle_is_vectorised_and_nan_safe() -> None:
    a = np.array([[0.0, 0.0], [np.nan, 0.0], [1.0, 1.0]])
    b = np.array([[1.0, 0.0], [1.0, 0.0], [1.0, 1.0]])  # zero-length third segment
    c = np.array([[2.0, 0.0], [2.0, 0.0], [2.0, 1.0]])
    got = kin.joint_angle_deg(a, b, c)
    assert got[0] == pytest.approx(180.0)
    assert np.isnan(got[1]) and np.isnan(got[2])


def test_line_angle_ignores_direction() -> None:
    assert kin.line_angle_deg(np.array([1.0, 0.0]), np.array([-1.0, 0.0])) == pytest.approx(0.0)
    assert kin.line_angle_deg(np.array([1.0, 0.0]), np.array([-1.0, 1.0])) == pytest.approx(45.0)


def _rot_y(deg: float) -> np.ndarray:
    r = math.radians(deg)
    return np.array([[math.cos(r), 0, math.sin(r)], [0, 1, 0], [-math.sin(r), 0, math.cos(r)]])


@pytest.mark.parametrize("yaw", [0.0, 30.0, 45.0, 60.0])
def test_sagittal_angle_does_not_depend_on_the_camera_yaw(yaw: float) -> None:
    """An oblique camera foreshortens a 2-D hip angle; the sagittal-plane one stays put."""
    shoulder, hip, knee = (
        np.array([0.0, 0.0, 0.1]),
        np.array([0.5, 0.2, 0.1]),
        np.array([0.9, 0.25, 0.1]),
    )
    lateral = np.array([0.0, 0.0, -0.2])  # right hip → left hip
    truth = kin.joint_angle_deg(shoulder, hip, knee)
    R = _rot_y(yaw)
    got = kin.sagittal_joint_angle_deg(R @ shoulder, R @ hip, R @ knee, R @ lateral)
    assert float(got) == pytest.approx(float(truth), abs=1e-6)
    flat = kin.joint_angle_deg((R @ shoulder)[:2], (R @ hip)[:2], (R @ knee)[:2])
    if yaw >= 60:
        assert abs(float(flat) - float(truth)) > 5  # what the naive 2-D angle would do


def test_height_along_is_signed() -> None:
    up = np.array([0.0, 1.0])
    assert kin.height_along(np.array([3.0, 2.0]), np.array([0.0, 0.5]), up) == pytest.approx(1.5)
    assert kin.height_along(np.array([3.0, 0.0]), np.array([0.0, 0.5]), up) == pytest.approx(-0.5)


def test_robust_length_is_the_median_of_confident_frames() -> None:
    lengths = np.array([1.0, 1.0, 1.1, 0.9, 5.0, np.nan, 1.0, 1.0])
    weights = np.array([1, 1, 1, 1, 0, 1, 1, 1])
    assert kin.robust_length(lengths, weights) == pytest.approx(1.0)
    assert math.isnan(kin.robust_length(np.array([np.nan, np.nan])))


@pytest.mark.parametrize("q", [0.0, 10.0, 50.0, 90.0, 99.0, 100.0])
def test_nan_percentile_matches_numpy(q: float) -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=101)
    x[::7] = np.nan
    assert kin.nan_percentile(x, q) == pytest.approx(float(np.nanpercentile(x, q)))
    assert math.isnan(kin.nan_percentile(np.array([np.nan]), q))
