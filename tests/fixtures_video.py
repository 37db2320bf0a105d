"""Small clips made on the fly with PyAV for the video, pose and tracking tests.

Nothing here reads the shared real clips except ``real_clip``/``real_frames``, which skip
the calling test with a reason when ../shared is absent.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from shared_clips import REAL_CLIPS

#: the real clip the end-to-end tests run on
REAL_BRIDGE = "physioplus_glute_bridge_side.mp4"


def marker_frame(height: int = 64, width: int = 48, shade: int = 0) -> np.ndarray:
    """An RGB frame that shows which way is up: a white block in the top-left corner on a dark
    background (``shade`` lets frames differ)."""
    image = np.full((height, width, 3), 20 + shade % 60, dtype=np.uint8)
    image[: height // 4, : width // 4] = 255
    return image


def stored_for_display(display: np.ndarray, rotation_cw: int) -> np.ndarray:
    """The frame a phone stores so that rotating it clockwise by ``rotation_cw`` shows
    ``display``."""
    return np.ascontiguousarray(np.rot90(display, k=(rotation_cw // 90) % 4))


def write_clip(
    path: Path,
    frames: Iterable[np.ndarray],
    *,
    codec: str = "libx264",
    rate: int = 30,
    pts_ms: Sequence[int] | None = None,
    rotation_cw: int = 0,
    faststart: bool = False,
) -> Path:
    """Encode RGB frames to ``path`` (container from the suffix). ``pts_ms`` gives each frame's
    presentation time in milliseconds (a variable-frame-rate clip); ``rotation_cw`` stores a
    display matrix asking players to rotate the frames clockwise by that many degrees."""
    import av

    options = {"movflags": "+faststart"} if faststart else {}
    with av.open(str(path), "w", options=options) as container:
        stream = container.add_stream(codec, rate=rate)
        stream.pix_fmt = "yuv420p"
        if pts_ms is not None:
            stream.codec_context.time_base = Fraction(1, 1000)
            stream.time_base = Fraction(1, 1000)
        if rotation_cw:
            stream.set_display_rotation(-rotation_cw)
        if codec == "libx264":
            stream.options = {"preset": "ultrafast"}
        elif codec == "libx265":
            stream.options = {"preset": "ultrafast", "x265-params": "log-level=error"}
        for i, image in enumerate(frames):
            if i == 0:
                stream.height, stream.width = image.shape[:2]
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            frame.pts = pts_ms[i] if pts_ms is not None else i
            if pts_ms is not None:
                frame.time_base = Fraction(1, 1000)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def simple_clip(
    path: Path, n: int = 10, *, height: int = 48, width: int = 64, **kwargs: object
) -> Path:
    """``n`` marker frames, each a little different, 30 fps unless told otherwise."""
    frames = (marker_frame(height, width, shade=3 * i) for i in range(n))
    return write_clip(path, frames, **kwargs)  # type: ignore[arg-type]


def real_clip(name: str = REAL_BRIDGE) -> Path:
    path = REAL_CLIPS / name
    if not path.is_file():
        pytest.skip(f"real clip {name} not available (../shared/clips/real is absent)")
    return path


def real_frames(name: str = REAL_BRIDGE, n: int = 20) -> tuple[list[np.ndarray], float]:
    """The first ``n`` RGB frames of a real clip and its frame rate."""
    import av

    with av.open(str(real_clip(name))) as container:
        stream = container.streams.video[0]
        rate = float(stream.average_rate or 30)
        frames = []
        for frame in container.decode(stream):
            frames.append(frame.to_ndarray(format="rgb24"))
            if len(frames) == n:
                break
    return frames, rate


@pytest.fixture(scope="session")
def full_task(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pose_landmarker_full.task built offline once per test session (about 1 s)."""
    from formcheck.pose.models import build_full_task

    return build_full_task(tmp_path_factory.mktemp("models"))


@pytest.fixture
def clip_dir(tmp_path: Path) -> Path:
    """A folder for clips made by one test (never inside the repository)."""
    folder = tmp_path / "clips"
    folder.mkdir()
    return folder
