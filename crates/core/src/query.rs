use serde::{Deserialize, Serialize};

use crate::phone;

/// What the agent typed, classified so each provider can be asked the way its API allows.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "by", content = "value", rename_all = "snake_case")]
pub enum Query {
    Text(String),
    Phone(String),
    Email(String),
    Id(String),
}

impl Query {
    /// Classifies free input: an `@` means email, something made of digits and phone
    /// punctuation means phone, anything else is text. Runs of whitespace (tabs and newlines
    /// pasted along with a name) become one space, and control characters are dropped: no
    /// provider search wants them, and the proxy refuses them.
    pub fn detect(input: &str) -> Query {
        let cleaned: String = input
            .chars()
            .filter(|c| !c.is_control() || c.is_whitespace())
            .collect();
        let cleaned = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
        if cleaned.contains('@') {
            Query::Email(cleaned)
        } else if phone::looks_like_phone(&cleaned) {
            Query::Phone(cleaned)
        } else {
            Query::Text(cleaned)
        }
    }

    pub fn value(&self) -> &str {
        match self {
            Query::Text(v) | Query::Phone(v) | Query::Email(v) | Query::Id(v) => v,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.value().trim().is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_the_kind_an_agent_means() {
        assert_eq!(Query::detect(" ana@x.pt "), Query::Email("ana@x.pt".into()));
        assert_eq!(
            Query::detect("+351 912 345 678"),
            Query::Phone("+351 912 345 678".into())
        );
        assert_eq!(
            Query::detect("(212) 555-0100"),
            Query::Phone("(212) 555-0100".into())
        );
        assert_eq!(
            Query::detect("Maria Oliveira"),
            Query::Text("Maria Oliveira".into())
        );
        assert_eq!(Query::detect("R2D2"), Query::Text("R2D2".into()));
        assert_eq!(
            Query::detect("Maria\t\n Oliveira\u{0}"),
            Query::Text("Maria Oliveira".into())
        );
    }
}
