//! attune's domain model.
//!
//! Everything here is pure: no file, network or database access and no clock.
//! Time ("now") and randomness (new ids) are passed in by the caller, so every
//! rule can be tested with fixed inputs.

pub mod assess;
pub mod checkin;
pub mod content;
pub mod entry;
pub mod error;
pub mod fmt;
pub mod ids;
pub mod insights;
pub mod label;
pub mod moment;
pub mod pause;
pub mod plan;
pub mod privacy;
pub mod safety;
pub mod scripts;
pub mod selfworth;
pub mod template;
pub mod vocab;
pub mod when;

pub use checkin::{Checkin, CheckinDraft};
pub use entry::{Entry, EntryDraft, Intensity};
pub use error::{FieldError, ValidationError};
pub use ids::{ContentHash, RecordId};
pub use label::{Label, LabelKind, Slug};
pub use moment::Moment;
pub use vocab::{Consequence, Sign, Source};
