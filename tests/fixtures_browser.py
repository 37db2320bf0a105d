"""Pages of `formcheck serve` in a real browser: Playwright's sync API driving the system's
Chromium (``/usr/bin/chromium``, which ``./install.sh test`` installs), never a Playwright
browser download.

- ``browser`` (session): headless Chromium with the flags that work on a closed network.
- ``phone_page`` (function): a page in a fresh phone-sized context (390 × 844 CSS px, scale 3,
  touch, a mobile user agent); ``page.console_errors`` lists the console errors and uncaught
  page errors seen so far, so a test can assert there are none.
- ``save_screenshot(page, name)``: a PNG for review in ``tests/screenshots/`` (ignored by git),
  or in the folder the environment variable ``FORMCHECK_SCREENSHOTS`` names.
- ``browser_with_fake_camera`` (function): a factory, ``launch(y4m_path)`` gives a browser
  whose camera is that video file (``getUserMedia`` resolves without a prompt);
  ``write_y4m(path, frames)`` writes such a file from RGB frames.
- ``serve_folder(folder)``: a context manager serving a folder on 127.0.0.1 at a free port.

Where Playwright or Chromium is absent the tests that use these skip with a reason. The
system's Chromium is ``FORMCHECK_CHROMIUM`` if set, else ``chromium`` (or ``chromium-browser``)
on PATH.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import re
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

#: flags for headless Chromium on a closed-network CI machine run as root
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
#: a phone of today: an iPhone 13/14-sized viewport, with Chrome for Android's user agent
#: (the engine is Chromium, so the page sees what Chrome on a phone would)
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
    "user_agent": (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Mobile Safari/537.36"
    ),
}
#: milliseconds a Playwright action or wait may take before it fails the test
ACTION_TIMEOUT_MS = 10_000
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"


def chromium_path() -> str | None:
    """The system's Chromium, or None."""
    explicit = os.environ.get("FORMCHECK_CHROMIUM")
    if explicit:
        return explicit
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def playwright_sync() -> Iterator[Any]:
    """Playwright's sync API, started once (its node driver ships inside the wheel)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright is not installed; `./install.sh test` installs it")
    if chromium_path() is None:
        pytest.skip("no system Chromium (chromium on PATH); `./install.sh test` installs it")
    with sync_playwright() as playwright:
        yield playwright


def _launch(playwright: Any, extra_args: Iterable[str] = ()) -> Any:
    return playwright.chromium.launch(
        executable_path=chromium_path(),
        headless=True,
        args=[*CHROMIUM_ARGS, *extra_args],
        timeout=30_000,
    )


@pytest.fixture(scope="session")
def browser(playwright_sync: Any) -> Iterator[Any]:
    """Headless system Chromium for the session (Playwright gives it a fresh profile)."""
    launched = _launch(playwright_sync)
    try:
        yield launched
    finally:
        launched.close()


def _record_errors(page: Any) -> Any:
    """Collect console errors and uncaught exceptions into ``page.console_errors``."""
    errors: list[str] = []
    page.console_errors = errors
    page.on(
        "console",
        lambda msg: (
            errors.append(f"console.{msg.type}: {msg.text}") if msg.type == "error" else None
        ),
    )
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    return page


def new_phone_page(browser: Any, **context_options: Any) -> Any:
    """A page in a new phone-sized context of ``browser`` (close its ``.context`` after)."""
    context = browser.new_context(**{**PHONE, **context_options})
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    return _record_errors(context.new_page())


@pytest.fixture
def phone_page(browser: Any) -> Iterator[Any]:
    """A page on a phone-sized screen, in a context of its own (no cookies, no storage)."""
    page = new_phone_page(browser)
    try:
        yield page
    finally:
        page.context.close()


def save_screenshot(page: Any, name: str, *, full_page: bool = True) -> Path:
    """Write ``page`` as ``<name>.png`` to the review folder and return its path."""
    folder = Path(os.environ.get("FORMCHECK_SCREENSHOTS") or SCREENSHOTS)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


@pytest.fixture
def browser_with_fake_camera(playwright_sync: Any) -> Iterator[Callable[[Path], Any]]:
    """``launch(y4m_path)``: a headless Chromium whose camera plays that .y4m file in a loop
    and whose permission prompts are accepted; closed after the test."""
    launched: list[Any] = []

    def launch(y4m_path: Path) -> Any:
        path = Path(y4m_path).resolve()
        if not path.is_file():
            raise FileNotFoundError(path)
        fake = [
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={path}",
            "--use-fake-ui-for-media-stream",
        ]
        launched.append(_launch(playwright_sync, fake))
        return launched[-1]

    try:
        yield launch
    finally:
        for each in launched:
            each.close()


def rgb_to_i420(frame: np.ndarray) -> bytes:
    """An RGB uint8 frame (even height and width) as planar YUV 4:2:0, BT.601 in the limited
    (studio) range that y4m means by default and Chromium's fake camera assumes (``C420jpeg``
    is the chroma siting, not the range)."""
    rgb = frame.astype(np.float32) / 255.0
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    luma = 0.299 * r + 0.587 * g + 0.114 * b
    y = 16 + 219 * luma
    u = 128 + 224 * (b - luma) / 1.772
    v = 128 + 224 * (r - luma) / 1.402
    h, w = y.shape

    def half(plane: np.ndarray) -> np.ndarray:
        return plane.reshape(h // 2, 2, w // 2, 2).mean(axis=(1, 3))

    planes = (y, half(u), half(v))
    return b"".join(np.clip(np.rint(p), 0, 255).astype(np.uint8).tobytes() for p in planes)


def write_y4m(path: Path, frames: Iterable[np.ndarray], fps: int = 30) -> Path:
    """Write RGB frames (all the same even size) as a YUV4MPEG2 file, the format Chromium's
    fake camera plays: a text header, then each frame as ``FRAME`` and its I420 bytes."""
    path = Path(path)
    with path.open("wb") as out:
        size: tuple[int, int] | None = None
        for frame in frames:
            h, w = frame.shape[:2]
            if size is None:
                if h % 2 or w % 2:
                    raise ValueError(f"y4m 4:2:0 needs an even frame size, not {w}x{h}")
                size = (w, h)
                out.write(f"YUV4MPEG2 W{w} H{h} F{fps}:1 Ip A1:1 C420jpeg\n".encode("ascii"))
            elif (w, h) != size:
                raise ValueError(f"frame of {w}x{h} in a {size[0]}x{size[1]} clip")
            out.write(b"FRAME\n" + rgb_to_i420(frame))
    if size is None:
        raise ValueError("no frames")
    return path


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """Serve ``folder`` over HTTP on 127.0.0.1 at a free port, in a thread; yields the base
    URL (``http://127.0.0.1:PORT``), a secure context for ``getUserMedia``."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
