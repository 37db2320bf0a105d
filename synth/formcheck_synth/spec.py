"""What to generate: `SynthSpec` (drill, tempo, camera, noise) and `Faults` (every fault in CUES.md).

Every fault parameter defaults to ``None`` (or ``False``), meaning "clean form". A value sets
the fault's magnitude in the unit its name carries. The expected verdicts in
`formcheck_synth.truth` are computed from the motion these parameters produce, measured the way
CUES.md defines each check, never by running the engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DRILLS: tuple[str, ...] = ("single-leg-bridge", "banded-bridge", "table-top")
CAMERAS: tuple[str, ...] = ("side-left", "side-right", "side-elevated", "oblique", "front-feet")
SIDE_ORDERS: tuple[str, ...] = ("alternate", "left", "right", "left-then-right", "right-then-left")
ARM_POSES: tuple[str, ...] = ("crossed", "sides", "glutes")
#: the arm pose each drill asks for (table top: the article says nothing; arms rest on the floor)
DRILL_ARMS: dict[str, str] = {
    "single-leg-bridge": "crossed",
    "banded-bridge": "glutes",
    "table-top": "sides",
}


@dataclass(frozen=True, kw_only=True)
class Tempo:
    """Durations of one rep's phases, in seconds (clean defaults follow the article's coaching)."""

    lift_s: float = 1.0
    top_pause_s: float = 1.5
    lower_s: float = 3.5
    bottom_rest_s: float = 0.3


@dataclass(frozen=True, kw_only=True)
class LegLift:
    """A single-leg phase of a table-top hold: ``side`` is the foot that leaves the floor."""

    side: str
    #: start, seconds after the hold reached the top
    at_s: float
    duration_s: float
    #: how high the foot is lifted (the article: "an inch"; ≥ 2.5 cm counts as lifted)
    height_cm: float = 6.0


@dataclass(frozen=True, kw_only=True)
class Faults:
    """Form faults, one parameter per fault of CUES.md. ``None``/``False``: clean."""

    # -- reps: height and tempo ----------------------------------------------------------------
    #: peak hip extension falls short of the clean peak by this many degrees (hips_up, hold_top)
    extension_short_deg: float | None = None
    #: top pause in seconds, replacing the tempo's (squeeze_top / intent)
    top_pause_s: float | None = None
    #: lowering time in seconds, replacing the tempo's (slow_down)
    lower_s: float | None = None
    #: drop onto the floor: the last part of the lowering falls in about 0.12 s (not_your_bone)
    drop: bool = False
    #: rest on the floor between reps in seconds, replacing the tempo's (not_your_bone)
    bottom_rest_s: float | None = None
    #: the hips stop this fraction of the rep's range above the floor (touch_ground)
    bottom_gap_frac: float | None = None
    # -- one-leg work -------------------------------------------------------------------------
    #: pelvis roll in degrees while one foot is off the floor, free side down (hips_level)
    pelvis_tilt_deg: float | None = None
    #: hip extension falls this many degrees when a leg lifts in a hold (tth.hips_stay_up)
    hip_sag_deg: float | None = None
    #: toe variant chosen but the stance heel stays on the floor (tth.heel_up)
    heel_down: bool = False
    #: toe variant: the stance heel rises only this many cm (clean: 5 cm) (tth.heel_up)
    toe_heel_cm: float | None = None
    #: working foot's support slides this many shin lengths during each rep (force_down)
    support_slide_shin: float | None = None
    # -- head, arms, knees --------------------------------------------------------------------
    #: head pitch against the trunk line in degrees: + chin to chest, − craned back
    head_pitch_deg: float | None = None
    #: arm pose replacing the drill's ("crossed", "sides", "glutes"): arms_crossed, grab_glutes
    arms: str | None = None
    #: knee gap (knee distance / hip distance) held through the rep (knees_out): caving < 0.9
    knee_gap_ratio: float | None = None
    #: knee gap swings by this much within each rep or hold: ball squeeze lost (ball_squeeze)
    knee_gap_wobble: float | None = None
    # -- table-top setup and hold -------------------------------------------------------------
    #: shoulders off the bench: shoulder joint height above the floor in metres (tth.setup)
    shoulder_height_m: float | None = None
    #: both heels lifted this many cm in the set-up (tth.setup, when not the toe variant)
    heels_up_cm: float | None = None
    #: knee angle at the top of a hold, replacing the clean 90–100° (tth.hold_top)
    knee_angle_deg: float | None = None
    #: dip of the hold below 160°: (seconds after the top, duration s, depth in degrees)
    hold_dip: tuple[float, float, float] | None = None
    #: which reps (0-based) the rep faults apply to; None: every rep
    reps: tuple[int, ...] | None = None

    def applies_to(self, rep: int) -> bool:
        return self.reps is None or rep in self.reps


@dataclass(frozen=True, kw_only=True)
class SynthSpec:
    """One generated clip: the drill, its timing, the camera and the faults."""

    drill: str = "single-leg-bridge"
    reps: int = 3
    #: table top: seconds at the top (the hold)
    hold_s: float = 12.0
    #: table top: single-leg phases within the hold
    leg_lifts: tuple[LegLift, ...] = ()
    #: table top: stance heel up on the toe during single-leg phases (the hardest variant)
    toe_variant: bool = False
    tempo: Tempo = field(default_factory=Tempo)
    camera: str = "side-left"
    #: side filmed by "side-elevated" and "oblique" (the side views name theirs)
    camera_side: str = "left"
    #: single-leg bridge: the working (support) side of each rep
    sides: str = "alternate"
    #: landmark jitter, standard deviation as a fraction of the body's size in the image
    noise: float = 0.004
    #: static landmark offsets (a pose model's systematic misplacement), standard deviation as
    #: a fraction of the body's size in the image; constant through the clip
    bias: float = 0.0
    #: fraction of frames where no person is found (NaN rows), in short runs
    dropout: float = 0.0
    #: fraction of frames, in short runs, where the model swaps the left and right landmarks
    #: (a known failure of side views)
    swap_rate: float = 0.0
    #: fraction of frames, in short runs, where the model's landmarks jump to another place or
    #: person (`formcheck_synth.tracks.identity_jumps`)
    jump_rate: float = 0.0
    seed: int = 0
    fps: float = 30.0
    resolution: tuple[int, int] = (1280, 720)
    #: the clip opens at the top of the first rep (or in the hold)
    starts_at_top: bool = False
    faults: Faults = field(default_factory=Faults)

    def __post_init__(self) -> None:
        if self.drill not in DRILLS:
            raise ValueError(f"unknown drill {self.drill!r}; choose from {', '.join(DRILLS)}")
        if self.camera not in CAMERAS:
            raise ValueError(f"unknown camera {self.camera!r}; choose from {', '.join(CAMERAS)}")
        if self.sides not in SIDE_ORDERS:
            raise ValueError(f"unknown sides {self.sides!r}; choose from {', '.join(SIDE_ORDERS)}")
        if self.camera_side not in ("left", "right"):
            raise ValueError("camera_side must be 'left' or 'right'")
        if self.faults.arms is not None and self.faults.arms not in ARM_POSES:
            raise ValueError(f"unknown arms {self.faults.arms!r}; choose from {ARM_POSES}")
        if self.drill != "table-top" and self.reps < 1:
            raise ValueError("reps must be at least 1")
        if self.fps <= 0 or not all(0 <= r < 1 for r in (self.dropout, self.swap_rate,
                                                          self.jump_rate)):
            raise ValueError("fps must be > 0, dropout, swap_rate and jump_rate in [0, 1)")
        if self.noise < 0 or self.bias < 0:
            raise ValueError("noise and bias must be ≥ 0")
        for lift in self.leg_lifts:
            if lift.side not in ("left", "right"):
                raise ValueError(f"leg lift side must be 'left' or 'right', not {lift.side!r}")

    @property
    def arms(self) -> str:
        return self.faults.arms or DRILL_ARMS[self.drill]

    @property
    def view_class(self) -> str:
        """"side", "oblique" or "front": what the camera can measure, as CUES.md's table says."""
        if self.camera.startswith("side"):
            return "side"
        return "oblique" if self.camera == "oblique" else "front"

    @property
    def facing_side(self) -> str:
        """The athlete's side nearer the camera (side and oblique views)."""
        if self.camera == "side-left":
            return "left"
        if self.camera == "side-right":
            return "right"
        return self.camera_side
