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
    ("international", include_str!("../../../../content/safety/resources/international.toml")),
    ("nl", include_str!("../../../../content/safety/resources/nl.toml")),
    ("nz", include_str!("../../../../content/safety/resources/nz.toml")),
    ("us", include_str!("../../../../content/safety/resources/us.toml")),
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

/// When and where a resource's details were last verified.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Checked {
    /// Where the details can be verified ("samaritans.org").
    pub source: String,
    /// Year of the last check.
    pub year: u16,
    /// Month of the last check, 1–12.
    pub month: u8,
}

impl FromStr for Checked {
    type Err = String;

    /// Parses "samaritans.org, checked 2026-11".
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("'{s}' should look like \"samaritans.org, checked 2026-11\"");
        let (source, date) = s.rsplit_once(", checked ").ok_or_else(bad)?;
        let (year, month) = date.trim().split_once('-').ok_or_else(bad)?;
        let year: u16 = year.parse().map_err(|_| bad())?;
        let month: u8 = month.parse().map_err(|_| bad())?;
        if source.trim().is_empty() || !(2000..=2100).contains(&year) || !(1..=12).contains(&month) {
            return Err(bad());
        }
        Ok(Checked { source: source.trim().to_string(), year, month })
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
    for r in raw.resource {
        let what = |m: String| format!("resource '{}': {m}", r.name);
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

    #[test]
    fn every_country_parses_with_contacts_citations_crisis_and_emergency() {
        let dir = resources().unwrap();
        assert!(dir.country_codes().count() >= 9);
        for code in dir.country_codes().chain([INTERNATIONAL]) {
            let c = dir.for_country(code);
            assert_eq!(c.country, code);
            assert!(c.serving(Purpose::Crisis).next().is_some(), "{code} crisis");
            assert!(c.serving(Purpose::Emergency).next().is_some(), "{code} emergency");
            for r in &c.resources {
                assert!(r.phone.is_some() || r.text.is_some() || r.web.is_some(), "{code}: {}", r.name);
                assert!(!r.checked.source.is_empty() && r.checked.year >= 2026, "{code}: {}", r.name);
            }
        }
    }

    #[test]
    fn well_known_numbers_are_where_they_belong() {
        let dir = resources().unwrap();
        let phones = |code: &str, p: Purpose| -> Vec<String> {
            dir.for_country(code).serving(p).filter_map(|r| r.phone.clone()).collect()
        };
        assert!(phones("us", Purpose::Crisis).contains(&"988".to_string()));
        assert!(phones("us", Purpose::Abuse).contains(&"1-800-799-7233".to_string()));
        assert!(phones("gb", Purpose::Crisis).contains(&"116 123".to_string()));
        assert!(phones("gb", Purpose::Abuse).contains(&"0808 2000 247".to_string()));
        assert!(phones("au", Purpose::Emergency).contains(&"000".to_string()));
        assert!(phones("nz", Purpose::Emergency).contains(&"111".to_string()));
        assert!(phones("fr", Purpose::Abuse).contains(&"3919".to_string()));
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
        let us = RESOURCE_FILES.iter().find(|(c, _)| *c == "us").unwrap().1;
        let intl = RESOURCE_FILES.iter().find(|(c, _)| *c == INTERNATIONAL).unwrap().1;
        let cases = [
            (us.replace("checked = \"988lifeline.org, checked 2026-11\"", "checked = \"988lifeline.org\""), "checked"),
            (
                us.replace("checked = \"988lifeline.org, checked 2026-11\"", "checked = \"x, checked 2026-13\""),
                "checked",
            ),
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
        let no_contact = "country = \"zz\"\nname = \"Z\"\nadvice = \"a\"\n[[resource]]\nname = \"n\"\nfor = [\"crisis\", \"emergency\"]\nabout = \"a\"\nchecked = \"z.org, checked 2026-11\"\n";
        let err = ResourceDirectory::parse(&[("zz", no_contact), (INTERNATIONAL, intl)]).unwrap_err();
        assert!(err.to_string().contains("needs a phone"), "{err}");
        assert!(ResourceDirectory::parse(&[("us", us)]).unwrap_err().to_string().contains("international"));
        assert!(ResourceDirectory::parse(&[("USA", us), (INTERNATIONAL, intl)]).is_err());
    }
}
