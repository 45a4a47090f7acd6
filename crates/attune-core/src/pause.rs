//! The pause rule's timer (framework step 5): when either of us feels
//! flooded in a heated talk, a break of an agreed length, then we come back.
//!
//! Pure: [`Countdown::frame`] says what the screen shows after a given
//! number of elapsed milliseconds (the caller owns the clock, so tests never
//! sleep); [`Pause`] is what is logged afterwards.

use serde::{Deserialize, Serialize};

use crate::content::{ContentError, Library};
use crate::ids::RecordId;
use crate::moment::Moment;

/// The timer's texts and defaults (`content/plan/pause.toml`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PauseTexts {
    /// Length when no pause rule is agreed (the framework says 10).
    pub default_minutes: u32,
    /// Heading on the timer screen.
    pub title: String,
    /// Which keys do what.
    pub keys: String,
    /// Short grounding texts; one is shown per pause.
    pub grounding: Vec<String>,
    /// The calm-breathing pacer.
    pub breathing: Breathing,
    /// At the end: heading.
    pub end_title: String,
    /// At the end: reconnect scripts; one is shown.
    pub reconnect: Vec<String>,
    /// With the reconnect text, outside safety mode: these steps are for a
    /// relationship where you are safe, and what to do if you are not.
    pub safe_only: String,
    /// At the end, in safety mode (no reconnecting is suggested).
    pub end_safety_mode: String,
    /// When the pause was ended early.
    pub ended_early: String,
    /// The question afterwards.
    pub reconvened_question: String,
    /// After "yes".
    pub reconvened_yes: String,
    /// After "no".
    pub reconvened_no: String,
}

/// The pacer's rhythm and words.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Breathing {
    /// Seconds breathing in.
    pub in_secs: u32,
    /// Seconds holding (may be 0).
    pub hold_secs: u32,
    /// Seconds breathing out.
    pub out_secs: u32,
    /// Word while breathing in.
    pub in_text: String,
    /// Word while holding.
    pub hold_text: String,
    /// Word while breathing out.
    pub out_text: String,
}

impl PauseTexts {
    /// Loads and checks `plan/pause.toml`.
    pub fn load(lib: &Library) -> Result<PauseTexts, ContentError> {
        let t: PauseTexts = lib.toml("plan/pause.toml")?;
        let bad = |message: &str| ContentError { file: "plan/pause.toml".into(), message: message.into() };
        if !(1..=crate::plan::MAX_PAUSE_MINUTES).contains(&t.default_minutes) {
            return Err(bad("default_minutes must be 1 to 120"));
        }
        if t.grounding.is_empty() || t.reconnect.is_empty() {
            return Err(bad("grounding and reconnect need at least one text each"));
        }
        let b = &t.breathing;
        if b.in_secs == 0 || b.out_secs == 0 || b.in_secs + b.hold_secs + b.out_secs > 30 {
            return Err(bad("breathing: in and out need at least a second, and a breath at most 30 seconds"));
        }
        let texts =
            [&t.title, &t.keys, &t.end_title, &t.safe_only, &t.end_safety_mode, &t.ended_early, &t.reconvened_question]
                .into_iter()
                .chain(t.grounding.iter())
                .chain(t.reconnect.iter())
                .chain([&b.in_text, &b.out_text, &t.reconvened_yes, &t.reconvened_no]);
        if texts.into_iter().any(|s| s.trim().is_empty()) {
            return Err(bad("a text is empty"));
        }
        Ok(t)
    }
}

/// Breathing in, holding, or out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    /// Breathing in.
    In,
    /// Holding.
    Hold,
    /// Breathing out.
    Out,
}

/// Where the pacer is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Breath {
    /// The phase.
    pub phase: Phase,
    /// How full the lungs are, 0 to 1000 (grows in, stays, shrinks out).
    pub fill: u16,
    /// Whole seconds left in this phase (at least 1).
    pub secs_left: u32,
}

/// What the timer shows at one moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Frame {
    /// Whole seconds left, rounded up (0 only when finished).
    pub remaining_secs: u64,
    /// How much of the pause is over, 0 to 1000.
    pub done: u16,
    /// The pause is over.
    pub finished: bool,
    /// The pacer, when it is on.
    pub breath: Option<Breath>,
}

/// A running pause of a planned length.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Countdown {
    planned_ms: u64,
    breathing: Option<(u32, u32, u32)>,
}

impl Countdown {
    /// A countdown of `minutes` (at least one), with the pacer when given.
    pub fn new(minutes: u32, breathing: Option<&Breathing>) -> Countdown {
        Countdown {
            planned_ms: u64::from(minutes.max(1)) * 60_000,
            breathing: breathing.map(|b| (b.in_secs, b.hold_secs, b.out_secs)),
        }
    }

    /// The planned length in seconds.
    pub fn planned_secs(&self) -> u32 {
        u32::try_from(self.planned_ms / 1000).unwrap_or(u32::MAX)
    }

    /// What to show after `elapsed_ms`.
    pub fn frame(&self, elapsed_ms: u64) -> Frame {
        let elapsed = elapsed_ms.min(self.planned_ms);
        let left_ms = self.planned_ms - elapsed;
        let done = u16::try_from(elapsed * 1000 / self.planned_ms.max(1)).unwrap_or(1000);
        Frame {
            remaining_secs: left_ms.div_ceil(1000),
            done,
            finished: left_ms == 0,
            breath: self.breathing.map(|b| breath(b, elapsed_ms)),
        }
    }

    /// How long to wait before the next frame may differ: to the next
    /// whole second (or the end), at most 250 ms with the pacer on.
    pub fn next_tick_ms(&self, elapsed_ms: u64) -> u64 {
        if elapsed_ms >= self.planned_ms {
            return 0;
        }
        let to_second = 1000 - elapsed_ms % 1000;
        let to_end = self.planned_ms - elapsed_ms;
        let step = if self.breathing.is_some() { to_second.min(250) } else { to_second };
        step.min(to_end).max(1)
    }
}

fn breath((i, h, o): (u32, u32, u32), elapsed_ms: u64) -> Breath {
    let (i, h, o) = (u64::from(i) * 1000, u64::from(h) * 1000, u64::from(o) * 1000);
    let cycle = (i + h + o).max(1);
    let t = elapsed_ms % cycle;
    let secs = |left: u64| u32::try_from(left.div_ceil(1000).max(1)).unwrap_or(1);
    let permille = |part: u64, whole: u64| u16::try_from(part * 1000 / whole.max(1)).unwrap_or(1000);
    if t < i {
        Breath { phase: Phase::In, fill: permille(t, i), secs_left: secs(i - t) }
    } else if t < i + h {
        Breath { phase: Phase::Hold, fill: 1000, secs_left: secs(i + h - t) }
    } else {
        let into = t - i - h;
        Breath { phase: Phase::Out, fill: 1000 - permille(into, o), secs_left: secs(o - into) }
    }
}

/// A pause, as logged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    /// Stable identity.
    pub id: RecordId,
    /// When it started.
    pub started: Moment,
    /// The planned length, in seconds.
    pub planned_secs: u32,
    /// How long it actually ran, in seconds.
    pub actual_secs: u32,
    /// Ended before the time was up (Ctrl-C).
    pub ended_early: bool,
    /// Whether we came back together; `None`: not answered (or safety mode).
    pub reconvened: Option<bool>,
}

/// Picks one text of a list by a number the caller chooses (e.g. how many
/// pauses were logged), so consecutive pauses show different texts.
pub fn pick(texts: &[String], n: u64) -> &str {
    if texts.is_empty() {
        return "";
    }
    let i = usize::try_from(n % texts.len() as u64).unwrap_or(0);
    texts[i].as_str()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pacer() -> Breathing {
        Breathing {
            in_secs: 4,
            hold_secs: 0,
            out_secs: 6,
            in_text: "in".into(),
            hold_text: "".into(),
            out_text: "out".into(),
        }
    }

    #[test]
    fn counts_down_to_zero_without_a_clock() {
        let c = Countdown::new(10, None);
        assert_eq!(c.planned_secs(), 600);
        let start = c.frame(0);
        assert_eq!((start.remaining_secs, start.done, start.finished), (600, 0, false));
        let mid = c.frame(300_000);
        assert_eq!((mid.remaining_secs, mid.done), (300, 500));
        assert_eq!(c.frame(599_001).remaining_secs, 1);
        let end = c.frame(600_000);
        assert!(end.finished && end.remaining_secs == 0 && end.done == 1000);
        assert_eq!(c.frame(10_000_000), end);
    }

    #[test]
    fn ticks_land_on_whole_seconds() {
        let c = Countdown::new(1, None);
        assert_eq!(c.next_tick_ms(0), 1000);
        assert_eq!(c.next_tick_ms(1500), 500);
        assert_eq!(c.next_tick_ms(59_999), 1);
        assert_eq!(c.next_tick_ms(60_000), 0);
        assert_eq!(Countdown::new(1, Some(&pacer())).next_tick_ms(0), 250);
    }

    #[test]
    fn the_pacer_breathes_in_then_out() {
        let c = Countdown::new(1, Some(&pacer()));
        let b = |ms| c.frame(ms).breath.unwrap();
        assert_eq!(b(0).phase, Phase::In);
        assert_eq!(b(0).fill, 0);
        assert_eq!(b(0).secs_left, 4);
        assert_eq!(b(2000).fill, 500);
        assert_eq!(b(4000).phase, Phase::Out);
        assert_eq!(b(4000).fill, 1000);
        assert_eq!(b(7000).fill, 500);
        assert_eq!(b(10_000).phase, Phase::In);
    }

    #[test]
    fn shipped_texts_are_valid() {
        let t = PauseTexts::load(&Library::embedded()).unwrap();
        assert_eq!(t.default_minutes, 10);
        assert_ne!(pick(&t.grounding, 0), "");
    }
}
