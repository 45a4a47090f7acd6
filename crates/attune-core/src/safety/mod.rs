//! Safety first: the relationship-safety check, safety mode, the check-in
//! safety question, the support resources per country and the two safety
//! plans (a crisis plan and a plan for staying safe, in `plan`).
//!
//! The framework's steps (talk openly with the partner, agree things
//! together) assume a relationship that is safe. This module decides, from
//! the person's own answers, when that may not be so, and what attune then
//! does differently ([`SafetyPolicy`]). The wording lives in
//! `content/safety/screen.toml` and `content/safety/resources/*.toml`, both
//! embedded and checked here. Noticing crisis language in free text is
//! `attune-text`'s job; the caller combines the two.
//!
//! # The scoring rule
//!
//! Each item of the check belongs to a [`Topic`], and each topic is a
//! danger topic (fear, threats, physical harm, sexual coercion), a control
//! topic (money, phone, contacts, being monitored, isolation) or an
//! emotional-abuse topic (put-downs, humiliation, gaslighting, accusations):
//!
//! - any "yes" on a danger item switches safety mode on;
//! - "yes" on [`CONTROL_ITEMS_FOR_SAFETY_MODE`] or more control items
//!   switches it on;
//! - otherwise, a single control "yes", or "prefer not to say" on a danger
//!   item, means safety mode is *offered*;
//! - otherwise, any emotional "yes" informs and offers support
//!   ([`ScreenResult::offer_support`]); it never switches safety mode on;
//! - otherwise nothing changes.
//!
//! [`Tier`] orders these outcomes; a further "yes" never lowers it.
//!
//! This is not a diagnosis or a risk assessment: it only decides which
//! screens to show first. The person can switch safety mode on or off at
//! any time.

mod decision;
mod plan;
mod policy;
mod resources;
mod screen;

pub use decision::*;
pub use plan::*;
pub use policy::*;
pub use resources::*;
pub use screen::*;

use crate::content::ContentError;

/// The embedded content's errors are cached; each caller gets its own copy.
pub(crate) fn copy_error(e: &ContentError) -> ContentError {
    e.clone()
}
