//! `GET /api/v2/contacts` filters: attributes ANDed, comma-separated exact `name` and
//! `phoneNumber`, and the `NamesOrPhoneNumberMatches` wildcard filter.

use std::collections::HashMap;

use serde_json::Value;

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
pub(crate) fn phones(contact: &Value) -> Vec<&str> {
    let listed = contact["phoneNumbers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["phoneNumber"].as_str());
    contact["phoneNumber"]
        .as_str()
        .into_iter()
        .chain(listed)
        .collect()
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

    pub(crate) fn matches(&self, contact: &Value) -> bool {
        let attributes_ok = self
            .attributes
            .iter()
            .all(|(k, want)| match contact[*k].as_str() {
                Some(have) if *k == "emailAddress" => have.eq_ignore_ascii_case(want),
                Some(have) => have == *want,
                None => false,
            });
        let name = contact["name"].as_str().unwrap_or_default();
        let names_ok = self.names.as_ref().is_none_or(|names| names.contains(&name));
        let numbers = phones(contact);
        let phones_ok = self
            .phones
            .as_ref()
            .is_none_or(|want| numbers.iter().any(|n| want.contains(n)));
        let pattern_ok = self.pattern.is_none_or(|pattern| {
            ["name", "firstName", "lastName", "userName"]
                .iter()
                .filter_map(|k| contact[*k].as_str())
                .chain(numbers.iter().copied())
                .any(|value| wildcard_match(pattern, value))
        });
        attributes_ok && names_ok && phones_ok && pattern_ok
    }
}
