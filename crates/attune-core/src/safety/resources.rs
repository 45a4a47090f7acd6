//! Support services per country: who helps with what, and how to reach them.

use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::copy_error;
use crate::content::ContentError;

/// Every file of `content/safety/resources/`, embedded, as (country code,
/// text). A test checks that this list matches the directory.
pub const RESOURCE_FILES: &[(&str, &str)] = &[
    ("au", include_str!("../../../../content/safety/resources/au.toml")),
    ("ca", include_str!("../../../../content/safety/resources/ca.toml")),
    ("de", include_str!("../../../../content/safety/resources/de.toml")),
    ("fr", include_str!("../../../../content/safety/resources/fr.toml")),
    ("gb", include_str!("../../../../content/safety/resources/gb.toml")),
    ("ie", include_str!("../../../../content/safety/resources/ie.toml")),
    ("in", include_str!("../../../../content/safety/resources/in.toml")),
    ("international", include_str!("../../../../content/safety/resources/international.toml")),
    ("nl", include_str!("../../../../content/safety/resources/nl.toml")),
    ("nz", include_str!("../../../../content/safety/resources/nz.toml")),
    ("us", include_str!("../../../../content/safety/resources/us.toml")),
    ("za", include_str!("../../../../content/safety/resources/za.toml")),
];

/// The code of the fallback file.
pub const INTERNATIONAL: &str = "international";

// ---------------------------------------------------------------------------
// Resources

/// What a resource helps with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Purpose {
    /// Thoughts of suicide or self-harm, emotional crisis.
    Crisis,
    /// Domestic abuse: a partner who frightens, controls or hurts.
    Abuse,
    /// Immediate danger.
    Emergency,
    /// For people worried about their own behaviour towards a partner
    /// (controlling, threatening, hurting).
    OwnBehaviour,
}

/// Who a service is meant for, when it is meant for some people only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Audience {
    /// Men.
    Men,
    /// Women.
    Women,
    /// Lesbian, gay, bisexual, trans and queer people.
    Lgbt,
    /// Children, teenagers and young adults.
    YoungPeople,
}

/// The page a resource's details were verified on, and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Checked {
    /// Full address of the page the details were verified on (https).
    pub source: String,
    /// Year of the last check.
    pub year: u16,
    /// Month of the last check, 1–12.
    pub month: u8,
}

impl FromStr for Checked {
    type Err = String;

    /// Parses "https://www.samaritans.org/how-we-can-help/contact-samaritan/, 2026-12".
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || {
            format!(
                "checked = '{s}' should be the page's full https address and the month, \
                 like \"https://www.samaritans.org/how-we-can-help/contact-samaritan/, 2026-12\""
            )
        };
        let (source, date) = s.rsplit_once(", ").ok_or_else(bad)?;
        let source = source.trim();
        let (year, month) = date.trim().split_once('-').ok_or_else(bad)?;
        if month.len() != 2 {
            return Err(bad());
        }
        let year: u16 = year.parse().map_err(|_| bad())?;
        let month: u8 = month.parse().map_err(|_| bad())?;
        let host = source.strip_prefix("https://").unwrap_or_default();
        if host.is_empty()
            || !host.contains('.')
            || source.contains(char::is_whitespace)
            || !(2000..=2100).contains(&year)
            || !(1..=12).contains(&month)
        {
            return Err(bad());
        }
        Ok(Checked { source: source.to_string(), year, month })
    }
}

/// One helpline, text line, website or emergency number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Resource {
    /// Its name.
    pub name: String,
    /// What it helps with.
    pub purposes: Vec<Purpose>,
    /// What it is, in a sentence.
    pub about: String,
    /// Number to call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// A second number to call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_alt: Option<String>,
    /// Number to text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Word to send to `text`, when the service asks for one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_keyword: Option<String>,
    /// Website (https).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub web: Option<String>,
    /// Opening hours, when the organisation states them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hours: Option<String>,
    /// The part of the country it serves ("Scotland"), when not all of it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Who it is meant for, when it is meant for some people only.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub audience: Vec<Audience>,
    /// Where and when the details were verified.
    pub checked: Checked,
}

impl Resource {
    /// Whether it helps with `purpose`.
    pub fn serves(&self, purpose: Purpose) -> bool {
        self.purposes.contains(&purpose)
    }
}

/// The resources of one country (or the international fallback).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CountryResources {
    /// Lower-case ISO 3166 code, or "international".
    pub country: String,
    /// The country's name.
    pub name: String,
    /// The first line to show: what to do in immediate danger.
    pub advice: String,
    /// The entries, in the order the file lists them.
    pub resources: Vec<Resource>,
}

impl CountryResources {
    /// The entries that help with `purpose`, in file order.
    pub fn serving(&self, purpose: Purpose) -> impl Iterator<Item = &Resource> {
        self.resources.iter().filter(move |r| r.serves(purpose))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCountry {
    country: String,
    name: String,
    advice: String,
    resource: Vec<RawResource>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawResource {
    name: String,
    #[serde(rename = "for")]
    purposes: Vec<Purpose>,
    about: String,
    phone: Option<String>,
    phone_alt: Option<String>,
    text: Option<String>,
    text_keyword: Option<String>,
    web: Option<String>,
    hours: Option<String>,
    region: Option<String>,
    #[serde(default)]
    audience: Vec<Audience>,
    checked: String,
}

fn check_number(field: &str, value: &str) -> Result<(), String> {
    let digits = value.chars().filter(char::is_ascii_digit).count();
    if digits < 2 || !value.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '+' | '(' | ')')) {
        return Err(format!("{field} '{value}' is not a phone number"));
    }
    Ok(())
}

fn parse_country(code: &str, text: &str) -> Result<CountryResources, String> {
    let raw: RawCountry = toml::from_str(text).map_err(|e| e.to_string())?;
    if raw.country != code {
        return Err(format!("country = \"{}\" does not match the file name", raw.country));
    }
    if raw.name.trim().is_empty() || raw.advice.trim().is_empty() {
        return Err("name and advice must not be empty".into());
    }
    let mut resources = Vec::with_capacity(raw.resource.len());
    let mut names = BTreeSet::new();
    for r in raw.resource {
        let what = |m: String| format!("resource '{}': {m}", r.name);
        // Screens group services by name, so a repeated name would hide one.
        if !names.insert(r.name.clone()) {
            return Err(what("is listed twice; give each entry its own name".into()));
        }
        if r.name.trim().is_empty() || r.about.trim().is_empty() {
            return Err(what("name and about must not be empty".into()));
        }
        if r.purposes.is_empty() || r.purposes.iter().collect::<BTreeSet<_>>().len() != r.purposes.len() {
            return Err(what("'for' must list crisis, abuse, emergency and/or own-behaviour, each once".into()));
        }
        if r.phone.is_none() && r.text.is_none() && r.web.is_none() {
            return Err(what("needs a phone, text or web contact".into()));
        }
        for (field, value) in [("phone", &r.phone), ("phone_alt", &r.phone_alt), ("text", &r.text)] {
            if let Some(v) = value {
                check_number(field, v).map_err(&what)?;
            }
        }
        if r.phone_alt.is_some() && r.phone.is_none() {
            return Err(what("phone_alt needs phone".into()));
        }
        match (&r.text_keyword, &r.text) {
            (Some(_), None) => return Err(what("text_keyword needs text".into())),
            (Some(k), Some(_)) if k.is_empty() || !k.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()) => {
                return Err(what(format!("text_keyword '{k}' should be upper-case letters")));
            }
            _ => {}
        }
        if let Some(web) = &r.web
            && (!web.starts_with("https://") || web.len() <= "https://".len() || web.contains(char::is_whitespace))
        {
            return Err(what(format!("web '{web}' must be an https address")));
        }
        if r.hours.as_ref().is_some_and(|h| h.trim().is_empty()) {
            return Err(what("hours is empty; leave it out when unknown".into()));
        }
        if r.region.as_ref().is_some_and(|h| h.trim().is_empty()) {
            return Err(what("region is empty; leave it out when the service covers the whole country".into()));
        }
        if r.audience.iter().collect::<BTreeSet<_>>().len() != r.audience.len() {
            return Err(what("'audience' must list men, women, lgbt and/or young-people, each once".into()));
        }
        let checked = r.checked.parse::<Checked>().map_err(&what)?;
        resources.push(Resource {
            name: r.name,
            purposes: r.purposes,
            about: r.about,
            phone: r.phone,
            phone_alt: r.phone_alt,
            text: r.text,
            text_keyword: r.text_keyword,
            web: r.web,
            hours: r.hours,
            region: r.region,
            audience: r.audience,
            checked,
        });
    }
    let country = CountryResources { country: raw.country, name: raw.name, advice: raw.advice, resources };
    for needed in [Purpose::Crisis, Purpose::Emergency] {
        if country.serving(needed).next().is_none() {
            return Err(format!("has no {needed:?} entry"));
        }
    }
    Ok(country)
}

/// Services for one purpose, in the order of the country's file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ResourceGroup {
    /// What they help with.
    pub purpose: Purpose,
    /// The services.
    pub resources: Vec<Resource>,
}

/// Support resources for every country attune knows, plus the fallback.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ResourceDirectory {
    countries: BTreeMap<String, CountryResources>,
    international: CountryResources,
}

/// The embedded resources, parsed once.
pub fn resources() -> Result<&'static ResourceDirectory, ContentError> {
    static RESOURCES: OnceLock<Result<ResourceDirectory, ContentError>> = OnceLock::new();
    RESOURCES.get_or_init(|| ResourceDirectory::parse(RESOURCE_FILES)).as_ref().map_err(copy_error)
}

impl ResourceDirectory {
    /// Parses (code, text) pairs; one must be [`INTERNATIONAL`].
    pub fn parse(files: &[(&str, &str)]) -> Result<Self, ContentError> {
        let mut countries = BTreeMap::new();
        for (code, text) in files {
            let valid_code =
                *code == INTERNATIONAL || (code.len() == 2 && code.chars().all(|c| c.is_ascii_lowercase()));
            let parsed = if valid_code {
                parse_country(code, text)
            } else {
                Err(format!("'{code}' is not a lower-case two-letter country code"))
            };
            let country = parsed.map_err(|message| ContentError {
                file: "safety/resources".into(),
                message: format!("{code}.toml: {message}"),
            })?;
            if countries.insert(code.to_string(), country).is_some() {
                return Err(ContentError {
                    file: "safety/resources".into(),
                    message: format!("{code} is listed twice"),
                });
            }
        }
        let international = countries.remove(INTERNATIONAL).ok_or_else(|| ContentError {
            file: "safety/resources".into(),
            message: "international.toml is missing".into(),
        })?;
        Ok(Self { countries, international })
    }

    /// The resources for a country code ("us", "GB", "uk"), falling back to
    /// the international file for codes attune has no file for.
    pub fn for_country(&self, code: &str) -> &CountryResources {
        let code = code.trim().to_ascii_lowercase();
        let code = if code == "uk" { "gb".to_string() } else { code };
        self.countries.get(&code).unwrap_or(&self.international)
    }

    /// The fallback for countries without a file.
    pub fn international(&self) -> &CountryResources {
        &self.international
    }

    /// Country codes with their own file, without the fallback.
    pub fn country_codes(&self) -> impl Iterator<Item = &str> {
        self.countries.keys().map(String::as_str)
    }

    /// The services for `purpose` in a country: its own, or the
    /// international ones when it has none for that purpose. Emergency
    /// numbers are never borrowed from the international list.
    pub fn serving(&self, code: &str, purpose: Purpose) -> Vec<&Resource> {
        let own: Vec<&Resource> = self.for_country(code).serving(purpose).collect();
        if own.is_empty() && purpose != Purpose::Emergency {
            self.international().serving(purpose).collect()
        } else {
            own
        }
    }

    /// Groups of services for `purposes`, in that order, each service
    /// listed once (under the first purpose it serves); empty groups are
    /// left out.
    pub fn groups(&self, code: &str, purposes: &[Purpose]) -> Vec<ResourceGroup> {
        let mut shown: Vec<&str> = Vec::new();
        let mut groups = Vec::new();
        for &purpose in purposes {
            let serving = self.serving(code, purpose);
            let resources: Vec<Resource> =
                serving.iter().filter(|r| !shown.contains(&r.name.as_str())).map(|r| (*r).clone()).collect();
            shown.extend(serving.iter().map(|r| r.name.as_str()));
            if !resources.is_empty() {
                groups.push(ResourceGroup { purpose, resources });
            }
        }
        groups
    }

    /// What to show for `purpose` in a country: its own entries for that
    /// purpose (or the international ones if it has none), then its
    /// emergency entries (unless `purpose` is emergency already).
    pub fn for_purpose(&self, code: &str, purpose: Purpose) -> Vec<&Resource> {
        let country = self.for_country(code);
        let mut out: Vec<&Resource> = country.serving(purpose).collect();
        if out.is_empty() {
            out.extend(self.international().serving(purpose));
        }
        if purpose != Purpose::Emergency {
            out.extend(country.serving(Purpose::Emergency).filter(|r| !r.serves(purpose)));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_resource_file_is_embedded() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content/safety/resources");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter_map(|name| name.strip_suffix(".toml").map(str::to_string))
            .collect();
        on_disk.sort();
        let embedded: Vec<String> = RESOURCE_FILES.iter().map(|(c, _)| c.to_string()).collect();
        assert_eq!(embedded, on_disk, "update RESOURCE_FILES in safety.rs");
    }

    /// The month of the latest verification pass (see the README beside the
    /// files). No entry may claim a later check.
    const LAST_REVIEW: (u16, u8) = (2026, 12);

    #[test]
    fn every_entry_has_a_contact_a_source_page_and_a_past_month() {
        let dir = resources().unwrap();
        assert!(dir.country_codes().count() >= 11);
        for code in dir.country_codes().chain([INTERNATIONAL]) {
            let c = dir.for_country(code);
            assert_eq!(c.country, code);
            assert!(c.serving(Purpose::Crisis).next().is_some(), "{code} crisis");
            assert!(c.serving(Purpose::Emergency).next().is_some(), "{code} emergency");
            for r in &c.resources {
                let what = format!("{code}: {}", r.name);
                assert!(r.phone.is_some() || r.text.is_some() || r.web.is_some(), "{what}");
                let page = r.checked.source.strip_prefix("https://").unwrap_or_default();
                let host = page.split('/').next().unwrap_or_default();
                assert!(host.contains('.') && !host.contains(char::is_whitespace), "{what}: {}", r.checked.source);
                assert!((1..=12).contains(&r.checked.month), "{what}");
                assert!((2026, 1) <= (r.checked.year, r.checked.month), "{what}: checked before this format");
                assert!((r.checked.year, r.checked.month) <= LAST_REVIEW, "{what}: checked in the future");
            }
        }
    }

    #[test]
    fn the_newest_check_is_the_last_review() {
        // Catches a review that updates entries but not LAST_REVIEW (or the
        // README), which would let later months slip past the test above.
        let dir = resources().unwrap();
        let newest = dir
            .country_codes()
            .chain([INTERNATIONAL])
            .flat_map(|code| dir.for_country(code).resources.iter())
            .map(|r| (r.checked.year, r.checked.month))
            .max();
        assert_eq!(newest, Some(LAST_REVIEW));
    }

    #[test]
    fn well_known_numbers_are_where_they_belong() {
        let dir = resources().unwrap();
        let phones = |code: &str, p: Purpose| -> Vec<String> {
            dir.for_country(code).serving(p).filter_map(|r| r.phone.clone()).collect()
        };
        let has = |code: &str, p: Purpose, number: &str| {
            assert!(phones(code, p).iter().any(|n| n == number), "{code} {p:?} should list {number}");
        };
        has("us", Purpose::Crisis, "988");
        has("us", Purpose::Abuse, "1-800-799-7233");
        has("us", Purpose::Emergency, "911");
        has("gb", Purpose::Crisis, "116 123");
        has("gb", Purpose::Abuse, "0808 2000 247");
        has("gb", Purpose::OwnBehaviour, "0808 802 4040");
        has("gb", Purpose::Emergency, "999");
        has("ie", Purpose::Crisis, "116 123");
        has("au", Purpose::Emergency, "000");
        has("au", Purpose::OwnBehaviour, "1300 766 491");
        has("nz", Purpose::Emergency, "111");
        has("nz", Purpose::OwnBehaviour, "0800 456 450");
        has("fr", Purpose::Abuse, "3919");
        has("fr", Purpose::Crisis, "3114");
        has("de", Purpose::Abuse, "116 016");
        has("nl", Purpose::OwnBehaviour, "0800-2000");
        has("in", Purpose::Emergency, "112");
        has("za", Purpose::Emergency, "10111");
        has("za", Purpose::Abuse, "0800 428 428");
        // Emergency numbers stay in their own country.
        assert!(!phones("gb", Purpose::Emergency).contains(&"911".to_string()));
        assert!(!phones("us", Purpose::Emergency).contains(&"999".to_string()));
        assert!(!phones("za", Purpose::Emergency).contains(&"911".to_string()));
        // Crisis lines are never filed as emergency numbers, and the reverse.
        for code in dir.country_codes() {
            for r in dir.for_country(code).serving(Purpose::Emergency) {
                assert!(!r.serves(Purpose::Crisis), "{code}: {}", r.name);
            }
        }
    }

    #[test]
    fn uk_services_for_one_nation_say_which() {
        let dir = resources().unwrap();
        let gb = dir.for_country("gb");
        let region_of = |number: &str| {
            gb.resources.iter().find(|r| r.phone.as_deref() == Some(number)).and_then(|r| r.region.clone())
        };
        assert_eq!(region_of("0808 2000 247").as_deref(), Some("England"));
        assert_eq!(region_of("0800 027 1234").as_deref(), Some("Scotland"));
        assert_eq!(region_of("0808 80 10 800").as_deref(), Some("Wales"));
        assert_eq!(region_of("0808 802 1414").as_deref(), Some("Northern Ireland"));
        // UK-wide lines carry no region.
        assert_eq!(region_of("116 123"), None);
        // Every nation has an abuse line of its own.
        for nation in ["England", "Scotland", "Wales", "Northern Ireland"] {
            assert!(
                gb.serving(Purpose::Abuse).any(|r| r.region.as_deref() == Some(nation)),
                "{nation} has no abuse line"
            );
        }
        let men = gb.resources.iter().filter(|r| r.audience.contains(&Audience::Men)).count();
        let lgbt = gb.resources.iter().filter(|r| r.audience.contains(&Audience::Lgbt)).count();
        assert!(men >= 1 && lgbt >= 1, "men {men}, lgbt {lgbt}");
    }

    #[test]
    fn region_and_audience_are_left_out_of_json_when_unset() {
        let dir = resources().unwrap();
        let gb = dir.for_country("gb");
        let samaritans = gb.resources.iter().find(|r| r.name == "Samaritans").unwrap();
        let json = serde_json::to_value(samaritans).unwrap();
        assert!(json.get("region").is_none() && json.get("audience").is_none(), "{json}");
        let scotland = gb.resources.iter().find(|r| r.region.as_deref() == Some("Scotland")).unwrap();
        assert_eq!(serde_json::to_value(scotland).unwrap()["region"], "Scotland");
        let galop = gb.resources.iter().find(|r| r.audience.contains(&Audience::Lgbt)).unwrap();
        assert_eq!(serde_json::to_value(galop).unwrap()["audience"][0], "lgbt");
    }

    #[test]
    fn unknown_countries_fall_back_to_international() {
        let dir = resources().unwrap();
        assert_eq!(dir.for_country("US").country, "us");
        assert_eq!(dir.for_country(" uk ").country, "gb");
        assert_eq!(dir.for_country("xx").country, INTERNATIONAL);
        assert_eq!(dir.for_country("").country, INTERNATIONAL);
        assert!(dir.international().advice.contains("emergency number"));
        // Canada has no national abuse phone line in the file: its own web
        // entry comes first, then its emergency number.
        let ca = dir.for_purpose("ca", Purpose::Abuse);
        assert_eq!(ca.first().unwrap().web.as_deref(), Some("https://sheltersafe.ca"));
        assert!(ca.last().unwrap().serves(Purpose::Emergency));
        // A purpose a country lacks is filled from the international file.
        let files: Vec<(&str, &str)> = RESOURCE_FILES.to_vec();
        let mut dir2 = ResourceDirectory::parse(&files).unwrap();
        if let Some(c) = dir2.countries.get_mut("ca") {
            c.resources.retain(|r| !r.serves(Purpose::Abuse));
        }
        let ca2 = dir2.for_purpose("ca", Purpose::Abuse);
        assert_eq!(ca2.first().unwrap().web.as_deref(), Some("https://findahelpline.com"));
    }

    #[test]
    fn broken_resource_files_are_refused_with_a_reason() {
        const LIFELINE_CHECKED: &str = "checked = \"https://health.wyo.gov/publichealth/prevention/wivpp/suicide-prevention/988-suicide-crisis-lifeline, 2026-12\"";
        let us = RESOURCE_FILES.iter().find(|(c, _)| *c == "us").unwrap().1;
        let intl = RESOURCE_FILES.iter().find(|(c, _)| *c == INTERNATIONAL).unwrap().1;
        assert!(us.contains(LIFELINE_CHECKED), "the cases below edit this line");
        let cases = [
            (us.replace(LIFELINE_CHECKED, "checked = \"https://health.wyo.gov/x\""), "full https address"),
            (us.replace(LIFELINE_CHECKED, "checked = \"https://health.wyo.gov/x, 2026-13\""), "checked"),
            (us.replace(LIFELINE_CHECKED, "checked = \"health.wyo.gov/x, 2026-12\""), "https"),
            (us.replace(LIFELINE_CHECKED, "checked = \"988lifeline.org, checked 2026-11\""), "https"),
            (us.replace(LIFELINE_CHECKED, "checked = \"https://, 2026-12\""), "https"),
            (us.replace(LIFELINE_CHECKED, "checked = \"https://a b.org/, 2026-12\""), "https"),
            (us.replace(LIFELINE_CHECKED, "checked = \"https://health.wyo.gov/x, 2026-1\""), "checked"),
            (
                us.replace("name = \"Crisis Text Line\"", "name = \"Crisis Text Line\"\naudience = [\"men\", \"men\"]"),
                "audience",
            ),
            (us.replace("name = \"Crisis Text Line\"", "name = \"Crisis Text Line\"\naudience = [\"teens\"]"), "teens"),
            (us.replace("name = \"Crisis Text Line\"", "name = \"Crisis Text Line\"\nregion = \" \""), "region"),
            (us.replace("name = \"Crisis Text Line\"", "name = \"911\""), "listed twice"),
            (us.replace("country = \"us\"", "country = \"ca\""), "file name"),
            (us.replace("for = [\"emergency\"]", "for = [\"crisis\"]"), "Emergency"),
            (us.replace("web = \"https://988lifeline.org\"", "web = \"http://988lifeline.org\""), "https"),
            (us.replace("phone = \"988\"", "phone = \"call us\""), "phone"),
            (us.replace("for = [\"abuse\"]", "for = [\"abuse\", \"abuse\"]"), "each once"),
            (us.replace("text_keyword = \"HOME\"", "text_keyword = \"home\""), "upper-case"),
            (us.replace("name = \"Crisis Text Line\"", "name = \"Crisis Text Line\"\nfax = \"1\""), "fax"),
        ];
        for (text, expected) in cases {
            let err = ResourceDirectory::parse(&[("us", &text), (INTERNATIONAL, intl)]).unwrap_err();
            assert!(err.to_string().contains(expected), "{expected}: {err}");
        }
        let no_contact = "country = \"zz\"\nname = \"Z\"\nadvice = \"a\"\n[[resource]]\nname = \"n\"\nfor = [\"crisis\", \"emergency\"]\nabout = \"a\"\nchecked = \"https://z.org/, 2026-12\"\n";
        let err = ResourceDirectory::parse(&[("zz", no_contact), (INTERNATIONAL, intl)]).unwrap_err();
        assert!(err.to_string().contains("needs a phone"), "{err}");
        assert!(ResourceDirectory::parse(&[("us", us)]).unwrap_err().to_string().contains("international"));
        assert!(ResourceDirectory::parse(&[("USA", us), (INTERNATIONAL, intl)]).is_err());
    }
}
