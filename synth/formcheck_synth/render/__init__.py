"""Rendering a digital athlete (Anny body, pyrender) for clips with exact ground truth.

Needs this distribution's optional ``render`` extra (torch, anny, pyrender); nothing here is
imported by formcheck itself, nor by the synthetic tracks of `formcheck_synth`.
"""

#: the whole working install for rendering, as synth/pyproject.toml's comment on the extra says:
#: anny is installed without its dependencies (they pull warp-lang and requests, never used here)
SYNTH_INSTALL = (
    "pip install -e './synth[render]' (from the formcheck checkout) && "
    "pip install --no-deps anny==0.6.2, "
    "and the system's EGL: apt-get install libegl1 libegl-mesa0 libgl1-mesa-dri "
    "(see sample_videos/README.md)"
)


def missing_extra(err: ImportError) -> str:
    """The one-line message when a rendering dependency is missing."""
    return f"rendering needs formcheck-synth's render extra (missing: {err.name}): {SYNTH_INSTALL}"
