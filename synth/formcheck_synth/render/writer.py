"""H.264 mp4 writing with PyAV (libx264), as a context manager."""

from __future__ import annotations

import logging
from fractions import Fraction
from pathlib import Path
from types import TracebackType

import numpy as np

from formcheck.errors import OutputError

log = logging.getLogger(__name__)


class Mp4Writer:
    """Writes RGB frames to an H.264 mp4 (yuv420p, constant frame rate, faststart).

    ``crf`` trades size for quality (23 is x264's default; 28–32 keeps short clips small).
    """

    def __init__(self, path: Path, *, size: tuple[int, int], fps: float, crf: int = 28) -> None:
        import av

        self.path = Path(path)
        width, height = size
        if width % 2 or height % 2:
            raise OutputError(f"H.264 needs an even frame size, got {width}x{height}")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        rate = Fraction(fps).limit_denominator(1001)
        try:
            self.container = av.open(str(self.path), mode="w", options={"movflags": "+faststart"})
        except OSError as err:
            raise OutputError(f"cannot write {self.path}: {err}") from err
        self.stream = self.container.add_stream("libx264", rate=rate)
        self.stream.width, self.stream.height = width, height
        self.stream.pix_fmt = "yuv420p"
        self.stream.options = {"crf": str(crf), "preset": "medium", "tune": "animation"}
        self.frames = 0

    def write(self, rgb: np.ndarray) -> None:
        import av

        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
        for packet in self.stream.encode(frame):
            self.container.mux(packet)
        self.frames += 1

    def close(self) -> None:
        for packet in self.stream.encode():
            self.container.mux(packet)
        self.container.close()
        log.info("wrote %s (%d frames)", self.path, self.frames)

    def __enter__(self) -> Mp4Writer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
