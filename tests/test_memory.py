"""formcheck.memory: what a worker does so its memory stays flat clip after clip (figures in
benchmarks/worker_memory.py; no RSS is asserted here)."""

from __future__ import annotations

import os
import platform
import subprocess
import sys

import pytest

GLIBC = platform.libc_ver()[0] == "glibc"

CALL = "from formcheck.memory import limit_malloc_arenas as f, release_freed_memory as r; print(f(), r() in (True, False))"


def run(env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-c", CALL],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    return done.stdout.strip()


@pytest.mark.skipif(not GLIBC, reason="glibc's malloc arenas only")
def test_a_worker_caps_its_malloc_arenas_unless_the_user_chose() -> None:
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    assert run(env) == "True True"
    assert run({**env, "MALLOC_ARENA_MAX": "4"}) == "False True"
