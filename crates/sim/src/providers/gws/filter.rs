//! `GET /api/v2/contacts` filters: attributes ANDed, comma-separated exact `name` and
//! `phoneNumber`, and the `NamesOrPhoneNumberMatches` wildcard filter.

use std::collections::HashMap;

use serde_json::Value;

use super::store::Contacts;

use super::super::wildcard_match;

/// Attributes that filter by equality.
const ATTRIBUTES: &[&str] = &[
    "id",
    "type",
    "firstName",
    "lastName",
    "userName",
    "employeeId",
    "emailAddress",
];
/// Parameters that are not attribute filters.
const CONTROL: &[&str] = &[
    "offset",
    "limit",
    "filterName",
    "filterParameters",
    "name",
    "phoneNumber",
];
pub(crate) const NAMES_OR_PHONE: &str = "NamesOrPhoneNumberMatches";

/// A parameter problem: (GWS statusCode, message).
pub(crate) type Problem = (u32, String);

pub(crate) struct Filter<'a> {
    attributes: Vec<(&'a str, &'a str)>,
    names: Option<Vec<&'a str>>,
    phones: Option<Vec<&'a str>>,
    pattern: Option<&'a str>,
}

/// Every phone number of a contact, single or listed.
pub(crate) fn phones(contact: &Value) -> impl Iterator<Item = &str> {
    let listed = contact["phoneNumbers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["phoneNumber"].as_str());
    contact["phoneNumber"].as_str().into_iter().chain(listed)
}

/// The values `NamesOrPhoneNumberMatches` compares with its pattern.
pub(crate) fn searchable_fields(contact: &Value) -> impl Iterator<Item = &str> {
    ["name", "firstName", "lastName", "userName"]
        .into_iter()
        .filter_map(|k| contact[k].as_str())
        .chain(phones(contact))
}

impl<'a> Filter<'a> {
    pub(crate) fn parse(params: &'a HashMap<String, String>) -> Result<Self, Problem> {
        if let Some(unknown) = params
            .keys()
            .find(|k| !ATTRIBUTES.contains(&k.as_str()) && !CONTROL.contains(&k.as_str()))
        {
            return Err((2, format!("Invalid parameter: {unknown}")));
        }
        let pattern = match (params.get("filterName"), params.get("filterParameters")) {
            (None, None) => None,
            (Some(name), _) if name != NAMES_OR_PHONE => {
                return Err((2, format!("Invalid parameter: filterName={name}")));
            }
            (Some(_), Some(term)) => Some(term.as_str()),
            (Some(_), None) => return Err((1, "Missing parameter: filterParameters".into())),
            (None, Some(_)) => return Err((1, "Missing parameter: filterName".into())),
        };
        let list = |name: &str| params.get(name).map(|v| v.split(',').map(str::trim).collect());
        Ok(Filter {
            attributes: params
                .iter()
                .filter(|(k, _)| ATTRIBUTES.contains(&k.as_str()))
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect(),
            names: list("name"),
            phones: list("phoneNumber"),
            pattern,
        })
    }

    /// Whether any filter applies (without one, every contact matches).
    pub(crate) fn is_empty(&self) -> bool {
        self.attributes.is_empty() && self.names.is_none() && self.phones.is_none() && self.pattern.is_none()
    }

    /// The contacts that can match, narrowed with the index by the pattern's longest literal
    /// run (every match contains it); `matches` decides.
    pub(crate) fn candidates(&self, contacts: &Contacts) -> Vec<usize> {
        let pattern = self.pattern.map(str::to_lowercase).unwrap_or_default();
        let literal = pattern.split('*').max_by_key(|run| run.len()).unwrap_or_default();
        contacts.searchable.containing(literal)
    }

    pub(crate) fn matches(&self, contact: &Value) -> bool {
        let attributes_ok = || {
            self.attributes
                .iter()
                .all(|(k, want)| match contact[*k].as_str() {
                    Some(have) if *k == "emailAddress" => have.eq_ignore_ascii_case(want),
                    Some(have) => have == *want,
                    None => false,
                })
        };
        let names_ok = || {
            let name = contact["name"].as_str().unwrap_or_default();
            self.names.as_ref().is_none_or(|names| names.contains(&name))
        };
        let phones_ok = || {
            self.phones
                .as_ref()
                .is_none_or(|want| phones(contact).any(|n| want.contains(&n)))
        };
        let pattern_ok = || {
            self.pattern
                .is_none_or(|pattern| searchable_fields(contact).any(|value| wildcard_match(pattern, value)))
        };
        attributes_ok() && names_ok() && phones_ok() && pattern_ok()
    }
}
