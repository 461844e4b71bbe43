//! URL parameters the embedding desktop can set. They are untrusted: each is parsed into a
//! type, and a bad one becomes a message the agent sees.

use cardfile_core::phone;

use crate::bridge::ThemeMode;

/// What the widget's URL asks for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Params {
    /// Search to run on load (`q=`).
    pub query: Option<String>,
    /// Screen pop on load: search this caller's number and open the match (`phone=`).
    pub phone: Option<String>,
    /// Only these source ids (`sources=a,b`).
    pub sources: Option<Vec<String>>,
    pub theme: Option<ThemeMode>,
    /// BCP 47 language tag for the document (`lang=`).
    pub lang: Option<String>,
    /// Origin of the embedding desktop (`hostOrigin=`), checked against the allowed origins.
    pub host_origin: Option<String>,
}

/// Longest `q` accepted; longer input is not a search anyone typed.
const MAX_QUERY_CHARS: usize = 200;

impl Params {
    /// Parses percent-decoded `(name, value)` pairs. Unknown names are ignored, so hosts can
    /// add their own.
    pub fn parse(pairs: impl IntoIterator<Item = (String, String)>) -> Result<Params, String> {
        let mut params = Params::default();
        for (name, value) in pairs {
            let value = value.trim();
            match name.as_str() {
                "q" => {
                    if value.chars().count() > MAX_QUERY_CHARS {
                        return Err(format!(
                            "URL parameter q is longer than {MAX_QUERY_CHARS} characters"
                        ));
                    }
                    params.query = Some(value.to_owned()).filter(|q| !q.is_empty());
                }
                "phone" => {
                    if !phone::looks_like_phone(value) || value.len() > 32 {
                        return Err(format!(
                            "URL parameter phone `{}` is not a phone number",
                            short(value)
                        ));
                    }
                    params.phone = Some(value.to_owned());
                }
                "sources" => {
                    let ids: Vec<String> = value
                        .split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect();
                    if ids.is_empty() {
                        return Err(
                            "URL parameter sources is empty; list source ids separated by commas".into(),
                        );
                    }
                    params.sources = Some(ids);
                }
                "theme" => {
                    params.theme = Some(ThemeMode::parse(value).ok_or_else(|| {
                        format!(
                            "URL parameter theme must be light, dark or auto, not `{}`",
                            short(value)
                        )
                    })?);
                }
                "lang" => {
                    let valid = (2..=35).contains(&value.len())
                        && value
                            .split('-')
                            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric()));
                    if !valid {
                        return Err(format!(
                            "URL parameter lang `{}` is not a language tag like en or pt-BR",
                            short(value)
                        ));
                    }
                    params.lang = Some(value.to_owned());
                }
                "hostOrigin" => {
                    let host = value
                        .strip_prefix("https://")
                        .or_else(|| value.strip_prefix("http://"));
                    if !host.is_some_and(|h| !h.is_empty() && !h.contains(['/', '?', '#', '@', ' ', '\\'])) {
                        return Err(format!(
                            "URL parameter hostOrigin `{}` must be an origin like https://desktop.example.com",
                            short(value)
                        ));
                    }
                    params.host_origin = Some(value.to_owned());
                }
                _ => {}
            }
        }
        Ok(params)
    }

    /// Parameters of the current page's URL.
    pub fn from_location() -> Result<Params, String> {
        let search = web_sys::window()
            .and_then(|w| w.location().search().ok())
            .unwrap_or_default();
        let parsed =
            web_sys::UrlSearchParams::new_with_str(&search).map_err(|_| "unreadable URL parameters")?;
        let mut pairs = Vec::new();
        for entry in js_sys::try_iter(&parsed)
            .ok()
            .flatten()
            .into_iter()
            .flatten()
            .flatten()
        {
            let pair = js_sys::Array::from(&entry);
            if let (Some(k), Some(v)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
                pairs.push((k, v));
            }
        }
        Params::parse(pairs)
    }
}

/// A bad value quoted in a message, cut short.
fn short(value: &str) -> String {
    value.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn reads_every_parameter() {
        let p = Params::parse(pairs(&[
            ("q", " Maria "),
            ("sources", "a, b,"),
            ("theme", "dark"),
            ("lang", "pt-BR"),
            ("phone", "+351 912 345 678"),
            ("hostOrigin", "https://desktop.example.com:8443"),
            ("utm_source", "ignored"),
        ]))
        .unwrap();
        assert_eq!(p.query.as_deref(), Some("Maria"));
        assert_eq!(p.sources, Some(vec!["a".into(), "b".into()]));
        assert_eq!(p.theme, Some(ThemeMode::Dark));
        assert_eq!(p.lang.as_deref(), Some("pt-BR"));
        assert_eq!(p.phone.as_deref(), Some("+351 912 345 678"));
        assert_eq!(p.host_origin.as_deref(), Some("https://desktop.example.com:8443"));
    }

    #[test]
    fn bad_parameters_say_which_and_why() {
        for (name, value) in [
            ("sources", " , "),
            ("q", &"x".repeat(201)[..]),
            ("theme", "neon"),
            ("lang", "en_US<script>"),
            ("phone", "call me"),
            ("hostOrigin", "*"),
            ("hostOrigin", "https://desk.example.com/path"),
            ("hostOrigin", "javascript:alert(1)"),
            ("hostOrigin", "https://user@desk.example.com"),
        ] {
            let error = Params::parse(pairs(&[(name, value)])).unwrap_err();
            assert!(error.contains(name), "{name}={value}: {error}");
        }
    }
}
