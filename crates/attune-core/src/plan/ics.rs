//! The calendar export: agreements' rhythms and review dates (and trigger
//! plans to revisit) as an iCalendar file (RFC 5545), so reminders live in
//! the person's own calendar instead of attune nagging.
//!
//! - A rhythm becomes a recurring event: `DTSTART` is its first occurrence
//!   in local ("floating") time, `DURATION` its length, `RRULE` the rhythm.
//! - A review date becomes an all-day event, recurring (`RRULE`) when the
//!   agreement has a review interval.
//! - Lines end in CRLF and are folded at 75 octets; text is escaped.
//!
//! The file is not encrypted; `discreet` leaves the agreements' words out
//! of the titles.

use jiff::Timestamp;
use jiff::civil::Date;

use super::rhythm::add_days;
use super::{Agreement, CalendarTexts, PlanStatus, TriggerPlan};

/// Escapes a TEXT value (RFC 5545 §3.3.11).
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds one content line to at most 75 octets per line (§3.1), never
/// splitting a character; every line ends in CRLF.
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut len = 0;
    for c in line.chars() {
        let w = c.len_utf8();
        if len + w > 75 {
            out.push_str("\r\n ");
            len = 1;
        }
        out.push(c);
        len += w;
    }
    out.push_str("\r\n");
    out
}

/// Undoes [`fold`] (for tests and round trips).
pub fn unfold(text: &str) -> String {
    text.replace("\r\n ", "").replace("\r\n\t", "")
}

fn date(d: Date) -> String {
    d.strftime("%Y%m%d").to_string()
}

fn fill(template: &str, text: &str) -> String {
    template.replace("{text}", text)
}

struct Writer {
    out: String,
}

impl Writer {
    fn line(&mut self, name: &str, value: &str) {
        self.out.push_str(&fold(&format!("{name}:{value}")));
    }
}

/// The whole calendar.
pub fn export(
    agreements: &[&Agreement],
    revisits: &[&TriggerPlan],
    texts: &CalendarTexts,
    stamp: Timestamp,
    discreet: bool,
) -> String {
    let mut w = Writer { out: String::new() };
    let dtstamp = stamp.strftime("%Y%m%dT%H%M%SZ").to_string();
    w.line("BEGIN", "VCALENDAR");
    w.line("VERSION", "2.0");
    w.line("PRODID", "-//attune//attune plan//EN");
    w.line("CALSCALE", "GREGORIAN");
    w.line("X-WR-CALNAME", &escape_text(&texts.name));
    for a in agreements.iter().filter(|a| a.is_active()) {
        if let Some(r) = &a.rhythm {
            let title = if discreet { texts.discreet_rhythm.clone() } else { fill(&texts.rhythm, &a.text) };
            w.line("BEGIN", "VEVENT");
            w.line("UID", &format!("{}-rhythm@attune", a.id));
            w.line("DTSTAMP", &dtstamp);
            w.line("DTSTART", &format!("{}T{}", date(r.starts), r.at.strftime("%H%M%S")));
            w.line("DURATION", &format!("PT{}M", r.minutes));
            w.line("RRULE", &r.every.rrule());
            w.line("SUMMARY", &escape_text(&title));
            if !discreet {
                w.line("DESCRIPTION", &escape_text(&format!("{}\n{r}", a.text)));
            }
            w.line("END", "VEVENT");
        }
        if let Some(on) = a.review_on {
            let title = if discreet { texts.discreet_review.clone() } else { fill(&texts.review, &a.text) };
            w.line("BEGIN", "VEVENT");
            w.line("UID", &format!("{}-review@attune", a.id));
            w.line("DTSTAMP", &dtstamp);
            w.line("DTSTART;VALUE=DATE", &date(on));
            w.line("DTEND;VALUE=DATE", &date(add_days(on, 1)));
            if let Some(every) = a.review_every {
                w.line("RRULE", &every.rrule());
            }
            w.line("SUMMARY", &escape_text(&title));
            w.line("TRANSP", "TRANSPARENT");
            w.line("END", "VEVENT");
        }
    }
    for p in revisits {
        if let PlanStatus::Revisit { on } = p.status {
            let title = if discreet { texts.discreet_revisit.clone() } else { fill(&texts.revisit, &p.trigger.name) };
            w.line("BEGIN", "VEVENT");
            w.line("UID", &format!("{}-revisit@attune", p.id));
            w.line("DTSTAMP", &dtstamp);
            w.line("DTSTART;VALUE=DATE", &date(on));
            w.line("DTEND;VALUE=DATE", &date(add_days(on, 1)));
            w.line("SUMMARY", &escape_text(&title));
            w.line("TRANSP", "TRANSPARENT");
            w.line("END", "VEVENT");
        }
    }
    w.line("END", "VCALENDAR");
    w.out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn unescape(s: &str) -> String {
        let mut out = String::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n') => out.push('\n'),
                    Some(o) => out.push(o),
                    None => {}
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn folds_long_lines_on_character_boundaries() {
        let line = format!("SUMMARY:{}", "é".repeat(100));
        let folded = fold(&line);
        for l in folded.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{} octets", l.len());
        }
        assert_eq!(unfold(&folded), format!("{line}\r\n"));
    }

    proptest! {
        #[test]
        fn escaping_and_folding_round_trip(text in "\\PC{0,300}") {
            let clean: String = text.chars().filter(|c| !c.is_control() || *c == '\n').collect();
            let line = format!("SUMMARY:{}", escape_text(&clean));
            let folded = fold(&line);
            prop_assert!(folded.split("\r\n").all(|l| l.len() <= 75));
            let back = unfold(&folded);
            let value = back.trim_end_matches("\r\n").strip_prefix("SUMMARY:").unwrap();
            prop_assert!(!value.contains('\n'));
            prop_assert_eq!(unescape(value), clean);
        }
    }
}
