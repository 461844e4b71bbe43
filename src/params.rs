//! URL parameters the embedding desktop can set. They are untrusted: each is parsed into a
//! type, and a bad one becomes a message the agent sees.

/// What the widget's URL asks for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Params {
    /// Search to run on load (`q=`).
    pub query: Option<String>,
    /// Only these source ids (`sources=a,b`).
    pub sources: Option<Vec<String>>,
}

/// Longest `q` accepted; longer input is not a search anyone typed.
const MAX_QUERY_CHARS: usize = 200;

impl Params {
    /// Parses `search` (`?q=...&sources=...`, already percent-decoded pairs).
    pub fn parse<'a>(pairs: impl IntoIterator<Item = (String, String)> + 'a) -> Result<Params, String> {
        let mut params = Params::default();
        for (name, value) in pairs {
            match name.as_str() {
                "q" => {
                    if value.chars().count() > MAX_QUERY_CHARS {
                        return Err(format!(
                            "URL parameter q is longer than {MAX_QUERY_CHARS} characters"
                        ));
                    }
                    params.query = Some(value.trim().to_owned()).filter(|q| !q.is_empty());
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

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn reads_query_and_sources() {
        let p = Params::parse(pairs(&[
            ("q", " Maria "),
            ("sources", "a, b,"),
            ("theme", "dark"),
        ]))
        .unwrap();
        assert_eq!(p.query.as_deref(), Some("Maria"));
        assert_eq!(p.sources, Some(vec!["a".into(), "b".into()]));
    }

    #[test]
    fn bad_parameters_say_what_is_wrong() {
        assert!(
            Params::parse(pairs(&[("sources", " , ")]))
                .unwrap_err()
                .contains("sources")
        );
        assert!(
            Params::parse(pairs(&[("q", &"x".repeat(201))]))
                .unwrap_err()
                .contains("q")
        );
    }
}
