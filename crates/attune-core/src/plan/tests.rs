use jiff::Timestamp;

use super::*;
use crate::content::Library;
use crate::ids::RecordId;
use crate::moment::Moment;

fn at(s: &str) -> Moment {
    Moment::with_offset(s.parse::<Timestamp>().unwrap(), 3600)
}

fn rid(n: u128) -> RecordId {
    RecordId::from_uuid(uuid::Uuid::from_u128(n))
}

fn draft(kind: AgreementKind, text: &str) -> AgreementDraft {
    AgreementDraft {
        kind,
        text: text.into(),
        proposed_by: Proposer::Me,
        agreed_on: None,
        rhythm: None,
        pause_minutes: None,
        review_on: None,
        review_every: None,
    }
}

#[test]
fn needs_take_the_known_name() {
    let known = known_needs(&Library::embedded()).unwrap();
    let n = NeedDraft { name: "Transparency".into(), looks_like: "tell me when plans change".into() }
        .into_need(rid(1), at("2026-11-26T20:00:00Z"), &known)
        .unwrap();
    assert!(n.known);
    assert_eq!(n.slug.as_str(), "transparency");
    let own = NeedDraft { name: "Feeling chosen".into(), looks_like: String::new() }
        .into_need(rid(2), at("2026-11-26T20:00:00Z"), &known)
        .unwrap();
    assert!(!own.known);
    assert_eq!(own.slug.as_str(), "feeling-chosen");
    assert!(NeedDraft::default().into_need(rid(3), at("2026-11-26T20:00:00Z"), &known).is_err());
}

#[test]
fn a_pause_rule_needs_its_length() {
    let err = draft(AgreementKind::PauseRule, "we take a break")
        .into_agreement(rid(1), at("2026-11-26T20:00:00Z"))
        .unwrap_err();
    assert_eq!(err.problems[0].field, "minutes");
    let mut d = draft(AgreementKind::Words, "busy now, I'll check in later");
    d.pause_minutes = Some(10);
    assert!(d.into_agreement(rid(1), at("2026-11-26T20:00:00Z")).is_err());
    assert!(draft(AgreementKind::Other, "  ").into_agreement(rid(1), at("2026-11-26T20:00:00Z")).is_err());
}

#[test]
fn revising_the_words_needs_agreement_again_and_keeps_history() {
    let mut d = draft(AgreementKind::CheckIn, "a short text at lunch");
    d.agreed_on = Some("2026-11-20".parse().unwrap());
    d.review_every = Some(ReviewEvery::parse("4 weeks").unwrap());
    let mut a = d.into_agreement(rid(1), at("2026-11-20T20:00:00Z")).unwrap();
    assert_eq!(a.review_on, Some("2026-12-18".parse().unwrap()));
    assert_eq!(a.history.len(), 2);
    a.revise(
        AgreementChanges { text: Some("a short call at lunch".into()), ..Default::default() },
        at("2026-11-26T20:00:00Z"),
        "texts felt cold",
    )
    .unwrap();
    assert_eq!(a.agreed_on, None);
    assert_eq!(a.history.last().unwrap().change, Change::Revised);
    assert_eq!(a.history.last().unwrap().note, "texts felt cold");
    assert_eq!(a.history[0].text, "a short text at lunch");
    assert_eq!(a.revise(AgreementChanges::default(), at("2026-11-26T20:00:00Z"), ""), Err(AgreementError::NoChange));
    a.confirm("2026-11-27".parse().unwrap(), at("2026-11-27T20:00:00Z"), "").unwrap();
    a.review("2026-12-18".parse().unwrap(), None, at("2026-12-18T20:00:00Z"), "still good").unwrap();
    assert_eq!(a.review_on, Some("2027-01-15".parse().unwrap()));
    a.retire("2027-01-01".parse().unwrap(), at("2027-01-01T20:00:00Z"), "").unwrap();
    assert_eq!(a.confirm("2027-01-02".parse().unwrap(), at("2027-01-02T20:00:00Z"), ""), Err(AgreementError::Retired));
    a.restore(at("2027-01-03T20:00:00Z"), "").unwrap();
    assert!(a.is_active());
    let changes: Vec<Change> = a.history.iter().map(|r| r.change).collect();
    assert_eq!(
        changes,
        [
            Change::Created,
            Change::Agreed,
            Change::Revised,
            Change::Agreed,
            Change::Reviewed,
            Change::Retired,
            Change::Restored
        ]
    );
}

#[test]
fn the_pause_length_comes_from_the_agreed_rule() {
    let mut d = draft(AgreementKind::PauseRule, "a break when flooded");
    d.pause_minutes = Some(20);
    let proposed = d.clone().into_agreement(rid(1), at("2026-11-26T20:00:00Z")).unwrap();
    assert_eq!(pause_minutes([&proposed], 10), 10);
    d.agreed_on = Some("2026-11-26".parse().unwrap());
    let agreed = d.into_agreement(rid(2), at("2026-11-26T20:00:00Z")).unwrap();
    assert_eq!(pause_minutes([&proposed, &agreed], 10), 20);
}

#[test]
fn kinds_and_proposers_parse() {
    assert_eq!("pause".parse::<AgreementKind>().unwrap(), AgreementKind::PauseRule);
    assert_eq!("Check in".parse::<AgreementKind>().unwrap(), AgreementKind::CheckIn);
    assert!("cuddles".parse::<AgreementKind>().is_err());
    assert_eq!("we".parse::<Proposer>().unwrap(), Proposer::Both);
    assert!("nobody".parse::<Proposer>().is_err());
}

#[test]
fn shipped_plan_texts_are_valid() {
    PlanTexts::load(&Library::embedded()).unwrap();
}
