"""Rendering a digital athlete (Anny body, pyrender) for clips with exact ground truth.

Needs the optional ``synth`` extra (torch, anny, pyrender); nothing here is imported by the
core package.
"""

#: the whole working install for rendering, as pyproject.toml's comment on the extra says: anny
#: is installed without its dependencies (they pull warp-lang and requests, never used here)
SYNTH_INSTALL = (
    "pip install 'formcheck[synth]' && pip install --no-deps anny==0.6.2, "
    "and the system's EGL: apt-get install libegl1 libegl-mesa0 libgl1-mesa-dri "
    "(see sample_videos/README.md)"
)


def missing_extra(err: ImportError) -> str:
    """The one-line message when a rendering dependency is missing."""
    return f"rendering needs the synth extra (missing: {err.name}): {SYNTH_INSTALL}"
