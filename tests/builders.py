"""Tiny builders of PoseTracks for unit tests: a stick athlete with chosen motion and camera.

Body frame (metres): X along the floor from the head end to the feet, Y up, Z to the athlete's
right (supine, so the athlete's left is −Z). The shoulders rest at ``shoulder_y`` (0.07 on the
floor, about 0.5 on a bench); the ankles rest on the floor at ``ANKLE_Y``. Each frame's hip
height sets the trunk angle; the knees follow by two-link inverse kinematics, so hip extension
and knee angle come out as in a real bridge. ``hip_height_for_extension`` inverts that.

Cameras: ``side-left`` / ``side-right`` (on that side of the athlete), ``oblique`` (45° from the
left side toward the feet), ``front-feet``, ``front-head``. Image landmarks come from a pinhole
projection; world landmarks are camera-aligned metres about the mid-hip, y down (MediaPipe's).

Why not formcheck_synth's generator (synth/): that one is the digital athlete, whose angles come
out of a body model, a seeded camera (field of view, roll, distance drawn per clip) and
MediaPipe-like noise, with ground truth computed beside them; these unit tests need the inverse,
an exact geometry where a hip angle is put where the test says (``hip_height_for_extension``) and
every landmark is where the test can work it out. Re-expressing them with the generator would
change what every test here feeds the engine, so the two stay separate on purpose; the tests
of cues against ground truth use formcheck_synth. (`report_fakes.make_track` is a third, 2-D
only: image landmarks laid out to match the stick clip it draws for the overlay tests.)
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from formcheck.landmarks import NUM_LANDMARKS, SIDE
from formcheck.types import PoseTrack

TRUNK, THIGH, SHIN, NECK = 0.50, 0.43, 0.43, 0.18
HIP_W, SHOULDER_W = 0.20, 0.34
UPPER_ARM, FOREARM = 0.30, 0.26
ANKLE_Y, HIP_REST_Y, FLOOR_SHOULDER_Y = 0.07, 0.10, 0.07
CAMERA_YAW_DEG = {"side-left": 0.0, "oblique": 45.0, "front-feet": 90.0, "side-right": 180.0,
                  "front-head": -90.0}  # fmt: skip


def _ankle_x(shoulder_y: float, ankle_y: float = ANKLE_Y, top_trunk_deg: float = 22.0) -> float:
    """Ankle distance from the shoulders that makes the top of the bridge a straight line."""
    th = math.radians(top_trunk_deg)
    if shoulder_y > 0.3:  # table top: trunk level at the top, knee over the ankle
        return TRUNK + THIGH
    kx = (TRUNK + THIGH) * math.cos(th)
    ky = shoulder_y + (TRUNK + THIGH) * math.sin(th) - ankle_y
    return kx + math.sqrt(max(SHIN**2 - ky**2, 0.0))


def top_hip_height(shoulder_y: float = FLOOR_SHOULDER_Y) -> float:
    """Hip height at full extension (180°) for this set-up."""
    if shoulder_y > 0.3:
        return shoulder_y
    return shoulder_y + TRUNK * math.sin(math.radians(22.0))


def _knee(hip: np.ndarray, ankle: np.ndarray) -> np.ndarray:
    """Knee (N, 2) above the hip–ankle line by two-link IK (X, Y plane)."""
    d_vec = ankle - hip
    d = np.clip(np.linalg.norm(d_vec, axis=1), 1e-6, THIGH + SHIN - 1e-6)
    u = d_vec / np.linalg.norm(d_vec, axis=1, keepdims=True)
    cos_a = np.clip((THIGH**2 + d**2 - SHIN**2) / (2 * THIGH * d), -1.0, 1.0)
    a = np.arccos(cos_a)
    rot = np.stack([u[:, 0] * np.cos(a) - u[:, 1] * np.sin(a),
                    u[:, 0] * np.sin(a) + u[:, 1] * np.cos(a)], axis=1)  # fmt: skip
    return hip + THIGH * rot


def _hip_xy(hip_y: np.ndarray, shoulder_y: float) -> np.ndarray:
    dy = np.clip(hip_y - shoulder_y, -TRUNK * 0.99, TRUNK * 0.99)
    return np.stack([np.sqrt(TRUNK**2 - dy**2), shoulder_y + dy], axis=1)


def extension_for(hip_y: float, shoulder_y: float = FLOOR_SHOULDER_Y) -> float:
    """Hip extension (deg, 180 = straight) of the model at this hip height."""
    h = _hip_xy(np.array([hip_y]), shoulder_y)
    a = np.array([[_ankle_x(shoulder_y), ANKLE_Y]])
    k = _knee(h, a)
    s = np.array([[0.0, shoulder_y]])
    u, v = s - h, k - h
    c = float(np.sum(u * v) / (np.linalg.norm(u) * np.linalg.norm(v)))
    return math.degrees(math.acos(max(-1.0, min(1.0, c))))


def hip_height_for_extension(ext_deg: float, shoulder_y: float = FLOOR_SHOULDER_Y) -> float:
    """The hip height at which the model's hip extension is ``ext_deg`` (bisection)."""
    lo, hi = shoulder_y - 0.3 if shoulder_y > 0.3 else HIP_REST_Y, top_hip_height(shoulder_y)
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if extension_for(mid, shoulder_y) < ext_deg else (lo, mid)
    return (lo + hi) / 2


def _lat(z: float, n: int) -> np.ndarray:
    return np.full(n, z)


def body_points(
    hip_y: np.ndarray,
    *,
    shoulder_y: float = FLOOR_SHOULDER_Y,
    support_y: dict[str, float] | None = None,
    knee_gap: np.ndarray | float = 1.0,
    pelvic_tilt_deg: np.ndarray | float = 0.0,
    head_pitch_deg: np.ndarray | float = 0.0,
    arms: str = "crossed",
    foot_lift_m: dict[str, np.ndarray] | None = None,
    heel_up_m: dict[str, np.ndarray] | None = None,
    ankle_drift_m: dict[str, np.ndarray] | None = None,
) -> np.ndarray:
    """(N, 33, 3) landmark positions in the body frame for each frame's hip height.

    ``support_y``: ankle height per side when a foot rests on a support (kettlebell); the
    other dicts give per-side, per-frame offsets in metres.
    """
    hip_y = np.asarray(hip_y, dtype=np.float64)
    n = hip_y.size
    P = np.full((n, NUM_LANDMARKS, 3), np.nan)
    hip2 = _hip_xy(hip_y, shoulder_y)
    sh = np.stack([np.zeros(n), np.full(n, shoulder_y)], axis=1)
    tilt = np.radians(np.broadcast_to(np.asarray(pelvic_tilt_deg, dtype=float), (n,)))
    gap = np.broadcast_to(np.asarray(knee_gap, dtype=float), (n,))
    for side, sign in (("left", -1.0), ("right", 1.0)):
        S = SIDE[side]
        z_hip = sign * HIP_W / 2
        hip = np.stack([hip2[:, 0], hip2[:, 1] - sign * (HIP_W / 2) * np.sin(tilt),
                        np.full(n, z_hip) * np.cos(tilt)], axis=1)  # fmt: skip
        lift = (foot_lift_m or {}).get(side, np.zeros(n))
        drift = (ankle_drift_m or {}).get(side, np.zeros(n))
        ay = (support_y or {}).get(side, ANKLE_Y)
        ankle = np.stack([_ankle_x(shoulder_y, ay) + drift, ay + lift], axis=1)
        knee = _knee(hip[:, :2], ankle)
        P[:, S["shoulder"]] = np.stack([sh[:, 0], sh[:, 1], _lat(sign * SHOULDER_W / 2, n)], 1)
        P[:, S["hip"]] = hip
        P[:, S["knee"]] = np.stack([knee[:, 0], knee[:, 1], z_hip * gap], axis=1)
        P[:, S["ankle"]] = np.stack([ankle[:, 0], ankle[:, 1], _lat(z_hip, n)], axis=1)
        heel_up = (heel_up_m or {}).get(side, np.zeros(n))
        P[:, S["heel"]] = np.stack(
            [ankle[:, 0] - 0.05, ankle[:, 1] - 0.05 + heel_up, _lat(z_hip, n)], 1
        )
        P[:, S["toe"]] = np.stack([ankle[:, 0] + 0.16, ankle[:, 1] - 0.06, _lat(z_hip, n)], 1)
        _arm(P, side, sign, hip, arms, shoulder_y)
    _head(P, hip2, sh, np.radians(np.broadcast_to(np.asarray(head_pitch_deg, float), (n,))))
    return P


def _arm(P: np.ndarray, side: str, sign: float, hip: np.ndarray, arms: str, sy: float) -> None:
    """Elbow and wrist for an arm pose: crossed on the chest, at the sides, or on the glutes."""
    S, other = SIDE[side], SIDE["right" if side == "left" else "left"]
    n = P.shape[0]
    shoulder = P[:, S["shoulder"]]
    if arms == "crossed":
        wrist = P[:, other["shoulder"]] + np.array([0.06, 0.08, 0.0])
        wrist[:, 2] = -sign * SHOULDER_W / 2 * 0.8
        elbow = (shoulder + wrist) / 2 + np.array([0.12, 0.12, 0.0])
    elif arms == "glutes":
        wrist = hip + np.array([-0.03, -0.06, sign * 0.06])
        elbow = (shoulder + wrist) / 2 + np.array([0.0, -0.02, sign * 0.12])
    else:  # at the sides, on the floor
        elbow = np.tile([UPPER_ARM * 0.5, sy, sign * 0.30], (n, 1))
        wrist = np.tile([UPPER_ARM * 0.5 + FOREARM * 0.5, sy, sign * 0.36], (n, 1))
    P[:, S["elbow"]], P[:, S["wrist"]] = elbow, wrist
    for k, dz in ((17, 0.02), (19, 0.0), (21, -0.02)):  # pinky, index, thumb
        P[:, k + (0 if side == "left" else 1)] = wrist + np.array([0.04, 0.0, dz])


def _head(P: np.ndarray, hip2: np.ndarray, sh: np.ndarray, pitch: np.ndarray) -> None:
    """Ears, eyes, nose and mouth: the neck along the trunk line, pitched by ``pitch``."""
    d = sh - hip2
    d /= np.linalg.norm(d, axis=1, keepdims=True)
    c, s = np.cos(pitch), np.sin(pitch)  # rotation in the X–Y plane; the signal is unsigned
    dx, dy = d[:, 0] * c - d[:, 1] * s, d[:, 0] * s + d[:, 1] * c
    ear = np.stack([sh[:, 0] + NECK * dx, sh[:, 1] + NECK * dy], axis=1)
    for idx, z in ((7, -0.07), (8, 0.07)):
        P[:, idx] = np.stack([ear[:, 0], ear[:, 1], np.full(len(ear), z)], axis=1)
    face_up = np.stack([ear[:, 0] - 0.03 * dy / 1.0, ear[:, 1] + 0.08, np.zeros(len(ear))], 1)
    for idx in range(0, 11):
        if idx in (7, 8):
            continue
        z = -0.03 if idx in (1, 2, 3, 9) else (0.03 if idx in (4, 5, 6, 10) else 0.0)
        P[:, idx] = face_up + np.array([0.0, 0.0, z])


def camera_axes(camera: str) -> tuple[np.ndarray, np.ndarray]:
    """(rotation rows cam_x, cam_y, cam_z in body axes; unit direction body → camera)."""
    psi = math.radians(CAMERA_YAW_DEG[camera])
    to_cam = np.array([math.sin(psi), 0.0, -math.cos(psi)])  # left side is −Z
    fwd = -to_cam
    down = np.array([0.0, -1.0, 0.0])
    right = np.cross(down, fwd)
    return np.stack([right, down, fwd]), to_cam


def project(
    P: np.ndarray,
    camera: str,
    size: tuple[int, int] = (1280, 720),
    distance_m: float = 2.6,
    camera_height_m: float = 0.35,
) -> tuple[np.ndarray, np.ndarray]:
    """Image (N,33,3: x,y normalised, z relative) and world (N,33,3) landmarks for ``camera``."""
    R, to_cam = camera_axes(camera)
    centre = np.array([0.55, 0.0, 0.0])
    cam = centre + distance_m * to_cam + np.array([0.0, camera_height_m, 0.0])
    look = centre + np.array([0.0, 0.2, 0.0])
    rel = P - cam
    fwd = look - cam
    fwd /= np.linalg.norm(fwd)
    right = np.cross(np.array([0.0, -1.0, 0.0]), fwd)
    right /= np.linalg.norm(right)
    down = np.cross(fwd, right)
    xc, yc, zc = rel @ right, rel @ down, rel @ fwd
    w, h = size
    f = 0.9 * w
    mid_hip = (P[:, 23] + P[:, 24]) / 2
    z_hip = ((mid_hip - cam) @ fwd)[:, None]
    image = np.stack([(f * xc / zc + w / 2) / w, (f * yc / zc + h / 2) / h,
                      f * (zc - z_hip) / z_hip / w], axis=-1)  # fmt: skip
    world = (P - mid_hip[:, None, :]) @ R.T
    return image, world


def make_track(
    hip_y: np.ndarray,
    *,
    fps: float = 30.0,
    camera: str = "side-left",
    size: tuple[int, int] = (1280, 720),
    noise: float = 0.0,
    seed: int = 0,
    missing: np.ndarray | None = None,
    visibility: float = 0.95,
    pose: Callable[[np.ndarray], np.ndarray] | None = None,
    **body: object,
) -> PoseTrack:
    """A PoseTrack of the stick athlete: one frame per entry of ``hip_y`` (metres).

    ``noise`` is landmark jitter (σ, fraction of the frame height; world noise scaled alike);
    ``missing`` (N,) bool marks frames with no person (NaN rows). ``body`` goes to
    `body_points` (knee_gap, pelvic_tilt_deg, head_pitch_deg, arms, foot_lift_m, …);
    ``pose`` moves the supine body's points before the camera sees them (`not_a_bridge_track`).
    """
    hip_y = np.asarray(hip_y, dtype=np.float64)
    n = hip_y.size
    P = body_points(hip_y, **body)  # type: ignore[arg-type]
    if pose is not None:
        P = pose(P)
    image, world = project(P, camera, size)
    rng = np.random.default_rng(seed)
    if noise > 0:
        image[..., :2] += rng.normal(0.0, noise, image[..., :2].shape) * np.array(
            [size[1] / size[0], 1.0]
        )
        world += rng.normal(0.0, noise * 2.0, world.shape)
    vis = np.full((n, NUM_LANDMARKS, 1), visibility)
    img4 = np.concatenate([image, vis], axis=-1)
    wld4 = np.concatenate([world, vis], axis=-1)
    if missing is not None:
        img4[np.asarray(missing, bool)] = np.nan
        wld4[np.asarray(missing, bool)] = np.nan
    t = np.arange(n) / fps
    return PoseTrack(t=t, image=img4, world=wld4, size=size, fps=fps)


def rep_profile(
    *,
    reps: int = 3,
    fps: float = 30.0,
    lift_s: float = 1.0,
    top_s: float = 1.5,
    lower_s: float = 2.2,
    rest_s: float = 0.5,
    low: float = HIP_REST_Y,
    high: float | None = None,
    lead_s: float = 1.0,
    tail_s: float = 1.0,
    start_at_top: bool = False,
    drop_s: float | None = None,
) -> np.ndarray:
    """Hip height (m) over a set of reps with smooth (cosine) lifts and lowerings.

    ``drop_s``: the last third of each lowering takes only this long (a drop onto the floor).
    """
    high = top_hip_height() if high is None else high
    dt = 1.0 / fps

    def ramp(a: float, b: float, dur: float) -> np.ndarray:
        k = max(int(round(dur * fps)), 1)
        x = (1 - np.cos(np.pi * (np.arange(1, k + 1) / k))) / 2
        return a + (b - a) * x

    def lower() -> np.ndarray:
        if drop_s is None:
            return ramp(high, low, lower_s)
        mid = low + (high - low) / 3
        return np.concatenate(
            [ramp(high, mid, lower_s - drop_s), np.linspace(mid, low, max(int(drop_s * fps), 1))]
        )

    parts = [np.full(max(int(lead_s * fps), 1), high if start_at_top else low)]
    if start_at_top:
        parts += [lower(), np.full(int(rest_s * fps), low)]
    for i in range(reps):
        parts += [ramp(low, high, lift_s), np.full(int(top_s * fps), high), lower()]
        parts.append(np.full(int((rest_s if i < reps - 1 else tail_s) * fps), low))
    del dt
    return np.concatenate(parts)


def bridge_track(
    reps: int = 3,
    *,
    noise: float = 0.0,
    seed: int = 0,
    fps: float = 30.0,
    camera: str = "side-left",
    **kw: object,
) -> PoseTrack:
    """A floor bridge set with clean defaults; ``kw`` splits between profile and body."""
    prof_keys = {"lift_s", "top_s", "lower_s", "rest_s", "low", "high", "lead_s", "tail_s",
                 "start_at_top", "drop_s"}  # fmt: skip
    prof = {k: v for k, v in kw.items() if k in prof_keys}
    body = {k: v for k, v in kw.items() if k not in prof_keys}
    hip = rep_profile(reps=reps, fps=fps, **prof)  # type: ignore[arg-type]
    return make_track(hip, fps=fps, camera=camera, noise=noise, seed=seed, **body)


def hold_profile(
    *,
    fps: float = 30.0,
    hold_s: float = 12.0,
    low: float = 0.25,
    high: float = 0.5,
    lead_s: float = 1.0,
    ramp_s: float = 1.0,
    tail_s: float = 1.0,
    dips: tuple[tuple[float, float, float], ...] = (),
) -> np.ndarray:
    """Hip height (m) of a table-top hold: up, held ``hold_s``, down. ``dips``: (start s after
    reaching the top, duration s, depth m) stretches where the hips sag."""
    up = low + (high - low) * (1 - np.cos(np.linspace(0, np.pi, int(ramp_s * fps)))) / 2
    hold = np.full(int(hold_s * fps), high)
    for at, dur, depth in dips:
        a, k = int(at * fps), max(int(dur * fps), 2)
        hold[a : a + k] -= depth * np.sin(np.linspace(0, np.pi, k)) ** 0.3
    return np.concatenate(
        [np.full(int(lead_s * fps), low), up, hold, up[::-1], np.full(int(tail_s * fps), low)]
    )


def table_top_track(
    *,
    hold_s: float = 12.0,
    lifts: tuple[tuple[str, float, float], ...] = (),
    lift_m: float = 0.06,
    fps: float = 30.0,
    camera: str = "side-left",
    noise: float = 0.0,
    seed: int = 0,
    dips: tuple = (),
    hip_sag_m: float = 0.0,
    **body: object,
) -> PoseTrack:
    """A table-top hold; ``lifts``: (lifted side, start s after the top, duration s)."""
    lead, ramp = 1.0, 1.0
    hip = hold_profile(fps=fps, hold_s=hold_s, lead_s=lead, ramp_s=ramp, dips=dips)
    n = hip.size
    lift = {"left": np.zeros(n), "right": np.zeros(n)}
    top0 = int((lead + ramp) * fps)
    for side, at, dur in lifts:
        a, b = top0 + int(at * fps), top0 + int((at + dur) * fps)
        k = b - a
        lift[side][a:b] = lift_m * np.minimum(
            1.0, np.minimum(np.arange(k), np.arange(k)[::-1]) / 3.0
        )
        hip[a:b] -= hip_sag_m * np.minimum(1.0, np.minimum(np.arange(k), np.arange(k)[::-1]) / 3.0)
    body.setdefault("arms", "sides")
    return make_track(
        hip,
        fps=fps,
        camera=camera,
        noise=noise,
        seed=seed,
        shoulder_y=0.5,
        foot_lift_m=body.pop("foot_lift_m", lift),
        **body,
    )


def single_leg_track(
    reps: int = 3,
    *,
    working: str = "left",
    bell_m: float = 0.2,
    free_lift_m: float = 0.45,
    **kw: object,
) -> PoseTrack:
    """A single-leg bridge set: the ``working`` foot on a kettlebell, the other leg lifted."""
    free = "right" if working == "left" else "left"
    prof_keys = {"lift_s", "top_s", "lower_s", "rest_s", "low", "high", "lead_s", "tail_s",
                 "start_at_top", "drop_s", "fps"}  # fmt: skip
    prof = {k: v for k, v in kw.items() if k in prof_keys}
    body = {k: v for k, v in kw.items() if k not in prof_keys}
    hip = rep_profile(reps=reps, **prof)  # type: ignore[arg-type]
    n = hip.size
    body.setdefault("arms", "crossed")
    return make_track(
        hip,
        fps=float(prof.get("fps", 30.0)),
        support_y={working: ANKLE_Y + bell_m, free: ANKLE_Y + bell_m},
        foot_lift_m={free: np.full(n, free_lift_m), working: np.zeros(n)},
        **body,
    )  # type: ignore[arg-type]


#: landmarks above the hips: face, shoulders, arms and hands (MediaPipe indices 0–22)
UPPER_BODY = np.arange(0, 23)
#: movements that are not bridges, for `not_a_bridge_track`
NOT_BRIDGES = ("standing", "side-lying", "crunch", "sit-up", "wheel", "pelvic-tilt")


def _rotate_xy(P: np.ndarray, deg: np.ndarray | float, about: np.ndarray) -> np.ndarray:
    """``P`` (N, K, 3) turned by ``deg`` (per frame) in the X–Y plane about ``about`` (N, 3)."""
    a = np.radians(np.broadcast_to(np.asarray(deg, float), (P.shape[0],)))[:, None]
    c, s = np.cos(a), np.sin(a)
    rel = P - about[:, None, :]
    out = P.copy()
    out[..., 0] = about[:, None, 0] + rel[..., 0] * c - rel[..., 1] * s
    out[..., 1] = about[:, None, 1] + rel[..., 0] * s + rel[..., 1] * c
    return out


def not_a_bridge_track(
    kind: str, *, camera: str = "side-left", reps: int = 4, fps: float = 30.0, **kw: object
) -> PoseTrack:
    """A set of something that is not a bridge drill, built from the supine stick athlete:

    - ``standing``: the body stood up on its feet (a standing hip hinge: the hips swing);
    - ``side-lying``: rolled onto the left side, knees bent, the top hip lifting and lowering
      (a clamshell or side-lying hip raise);
    - ``crunch`` / ``sit-up``: hips on the floor, the trunk curling up 30° / 75° about them;
    - ``wheel``: hands on the floor overhead, shoulders pushed up off them, hips high;
    - ``pelvic-tilt``: on the back, knees bent, the pelvis rocking 2 cm: the hips never rise.
    """
    hip = rep_profile(reps=reps, fps=fps, top_s=0.8, lower_s=1.2)
    n = hip.size
    phase = (hip - hip.min()) / max(float(np.ptp(hip)), 1e-9)  # 0 on the floor, 1 at the top

    def standing(P: np.ndarray) -> np.ndarray:
        feet = np.tile([0.9, 0.0, 0.0], (n, 1))
        up = _rotate_xy(P, -90.0, feet)  # head end up, the feet where they were
        up[..., 1] -= np.nanmin(up[..., 1], axis=1, keepdims=True)
        return up

    def side_lying(P: np.ndarray) -> np.ndarray:
        out = P.copy()
        out[..., 1], out[..., 2] = P[..., 2] + 0.2, -P[..., 1]  # roll about the long axis
        return out

    def curl(top_deg: float) -> Callable[[np.ndarray], np.ndarray]:
        def move(P: np.ndarray) -> np.ndarray:
            mid_hip = (P[:, 23] + P[:, 24]) / 2
            out = P.copy()
            out[:, UPPER_BODY] = _rotate_xy(P[:, UPPER_BODY], -top_deg * phase, mid_hip)
            return out

        return move

    def wheel(P: np.ndarray) -> np.ndarray:
        out = P.copy()
        for w, e, hand in ((15, 13, (17, 19, 21)), (16, 14, (18, 20, 22))):
            z = P[:, w, 2]
            out[:, w] = np.stack([np.full(n, -0.45), np.full(n, 0.02), z], axis=1)
            out[:, e] = (out[:, w] + P[:, w - 4]) / 2 + np.array([0.05, 0.0, 0.0])
            for k in hand:
                out[:, k] = out[:, w] + np.array([-0.05, 0.0, 0.0])
        return out

    if kind == "wheel":
        # hips and shoulders both off the floor, the hips far above the shoulders
        hip = 0.35 + 0.45 * phase
        return make_track(hip, fps=fps, camera=camera, shoulder_y=0.07 + 0.4 * phase.mean(),
                          pose=wheel, **kw)  # type: ignore[arg-type]  # fmt: skip
    moves: dict[str, Callable[[np.ndarray], np.ndarray]] = {
        "standing": standing,
        "side-lying": side_lying,
        "crunch": curl(30.0),
        "sit-up": curl(75.0),
    }
    if kind == "pelvic-tilt":
        return make_track(HIP_REST_Y + 0.02 * phase, fps=fps, camera=camera, **kw)  # type: ignore[arg-type]
    if kind not in ("side-lying", "standing"):
        hip = np.full(n, HIP_REST_Y)  # the hips stay on the floor
    return make_track(hip, fps=fps, camera=camera, pose=moves[kind], **kw)  # type: ignore[arg-type]
