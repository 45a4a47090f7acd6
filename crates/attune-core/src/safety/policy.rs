//! Safety mode's policy and the safety signal of a check-in.

use serde::{Deserialize, Serialize};

use super::Answer;
use crate::checkin::Checkin;

// ---------------------------------------------------------------------------
// Safety mode

/// What attune offers, depending on safety mode. Every surface asks this
/// rather than testing the flag itself, so the rule lives in one place.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SafetyPolicy {
    /// Show support services before anything else.
    pub resources_first: bool,
    /// Suggest talking openly with the partner (framework step 3), statement
    /// scripts meant for the partner, and healthy-conversation prompts.
    pub suggest_partner_talk: bool,
    /// Allow sharing anything to a partner space.
    pub partner_sharing: bool,
    /// Offer agreements, shared trigger plans and a shared pause rule.
    pub partner_agreements: bool,
}

impl SafetyPolicy {
    /// Outside safety mode.
    pub const NORMAL: SafetyPolicy = SafetyPolicy {
        resources_first: false,
        suggest_partner_talk: true,
        partner_sharing: true,
        partner_agreements: true,
    };

    /// In safety mode: resources first, nothing that involves the partner.
    pub const SAFETY_MODE: SafetyPolicy = SafetyPolicy {
        resources_first: true,
        suggest_partner_talk: false,
        partner_sharing: false,
        partner_agreements: false,
    };

    /// The policy for safety mode on or off.
    pub fn for_mode(safety_mode: bool) -> SafetyPolicy {
        if safety_mode { Self::SAFETY_MODE } else { Self::NORMAL }
    }
}

// ---------------------------------------------------------------------------
// Check-ins

/// Felt security at or below this (on the 0–10 scale) offers the safety
/// check. A low rating is about feeling insecure, not proof of danger, so it
/// only leads to an offer.
pub const VERY_LOW_SECURITY: u8 = 1;

/// What a check-in says about safety.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckinSignal {
    /// Nothing to act on.
    None,
    /// Offer the safety check gently (felt security or respect rated very
    /// low).
    OfferCheck,
    /// The person said they are afraid of their partner or of being hurt
    /// right now: show emergency and abuse resources first and switch on
    /// safety mode.
    Danger,
}

/// The safety signal of a saved check-in. `afraid_now` is the answer to the
/// optional check-in question in `screen.toml` (`[checkin] question`), if it
/// was asked. Crisis language in the note is read by `attune-text`; the
/// caller combines both.
pub fn checkin_signal(checkin: &Checkin, afraid_now: Option<Answer>) -> CheckinSignal {
    if afraid_now == Some(Answer::Yes) {
        CheckinSignal::Danger
    } else if checkin.security <= VERY_LOW_SECURITY || checkin.respected.is_some_and(|r| r <= VERY_LOW_SECURITY) {
        CheckinSignal::OfferCheck
    } else {
        CheckinSignal::None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkin::CheckinDraft;
    use crate::ids::RecordId;
    use crate::moment::Moment;
    use jiff::Timestamp;

    #[test]
    fn safety_mode_policy_leaves_out_everything_with_the_partner() {
        let on = SafetyPolicy::for_mode(true);
        assert!(on.resources_first);
        assert!(!on.suggest_partner_talk && !on.partner_sharing && !on.partner_agreements);
        let off = SafetyPolicy::for_mode(false);
        assert!(!off.resources_first);
        assert!(off.suggest_partner_talk && off.partner_sharing && off.partner_agreements);
        let texts = &super::super::screen().unwrap().safety_mode;
        assert!(texts.changes.len() >= 4);
        assert!(texts.keeping_private.iter().any(|t| t.contains("passphrase")));
    }

    fn checkin(security: i64, respected: Option<i64>) -> Checkin {
        let at = Moment::with_offset(Timestamp::from_second(1_700_000_000).unwrap(), 0);
        CheckinDraft { security: Some(security), respected, ..Default::default() }
            .into_checkin(RecordId::from_uuid(uuid::Uuid::nil()), at)
            .unwrap()
    }

    #[test]
    fn checkin_signals() {
        assert_eq!(checkin_signal(&checkin(7, None), None), CheckinSignal::None);
        assert_eq!(checkin_signal(&checkin(7, None), Some(Answer::Yes)), CheckinSignal::Danger);
        assert_eq!(checkin_signal(&checkin(0, None), Some(Answer::No)), CheckinSignal::OfferCheck);
        assert_eq!(checkin_signal(&checkin(1, None), None), CheckinSignal::OfferCheck);
        assert_eq!(checkin_signal(&checkin(2, None), Some(Answer::PreferNotToSay)), CheckinSignal::None);
        assert_eq!(checkin_signal(&checkin(6, Some(0)), None), CheckinSignal::OfferCheck);
    }
}
