"""BlazePose-33 landmark indices and names.

Every pose backend yields landmarks in this order; any model that can be mapped onto it works
with the rest of formcheck.
"""

from __future__ import annotations

NAMES: tuple[str, ...] = (
    "nose",
    "left_eye_inner", "left_eye", "left_eye_outer",
    "right_eye_inner", "right_eye", "right_eye_outer",
    "left_ear", "right_ear",
    "mouth_left", "mouth_right",
    "left_shoulder", "right_shoulder",
    "left_elbow", "right_elbow",
    "left_wrist", "right_wrist",
    "left_pinky", "right_pinky",
    "left_index", "right_index",
    "left_thumb", "right_thumb",
    "left_hip", "right_hip",
    "left_knee", "right_knee",
    "left_ankle", "right_ankle",
    "left_heel", "right_heel",
    "left_foot_index", "right_foot_index",
)  # fmt: skip
NUM_LANDMARKS = len(NAMES)
INDEX: dict[str, int] = {name: i for i, name in enumerate(NAMES)}

NOSE = 0
LEFT_EAR, RIGHT_EAR = 7, 8
LEFT_SHOULDER, RIGHT_SHOULDER = 11, 12
LEFT_ELBOW, RIGHT_ELBOW = 13, 14
LEFT_WRIST, RIGHT_WRIST = 15, 16
LEFT_HIP, RIGHT_HIP = 23, 24
LEFT_KNEE, RIGHT_KNEE = 25, 26
LEFT_ANKLE, RIGHT_ANKLE = 27, 28
LEFT_HEEL, RIGHT_HEEL = 29, 30
LEFT_FOOT_INDEX, RIGHT_FOOT_INDEX = 31, 32

#: Landmarks of one body side, by joint name, for code that works "per side".
SIDE: dict[str, dict[str, int]] = {
    "left": {
        "ear": LEFT_EAR, "shoulder": LEFT_SHOULDER, "elbow": LEFT_ELBOW, "wrist": LEFT_WRIST,
        "hip": LEFT_HIP, "knee": LEFT_KNEE, "ankle": LEFT_ANKLE, "heel": LEFT_HEEL,
        "toe": LEFT_FOOT_INDEX,
    },
    "right": {
        "ear": RIGHT_EAR, "shoulder": RIGHT_SHOULDER, "elbow": RIGHT_ELBOW, "wrist": RIGHT_WRIST,
        "hip": RIGHT_HIP, "knee": RIGHT_KNEE, "ankle": RIGHT_ANKLE, "heel": RIGHT_HEEL,
        "toe": RIGHT_FOOT_INDEX,
    },
}  # fmt: skip

#: Bones drawn for a skeleton overlay (pairs of landmark indices).
SKELETON: tuple[tuple[int, int], ...] = (
    (11, 12), (11, 13), (13, 15), (12, 14), (14, 16),
    (11, 23), (12, 24), (23, 24),
    (23, 25), (25, 27), (27, 29), (29, 31), (27, 31),
    (24, 26), (26, 28), (28, 30), (30, 32), (28, 32),
    (7, 11), (8, 12), (0, 7), (0, 8),
)  # fmt: skip
