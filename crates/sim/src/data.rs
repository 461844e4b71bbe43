//! Deterministic synthetic people: the same seed always yields the same population.

/// SplitMix64: tiny, fast and good enough to make varied, reproducible test data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A locale's names and its phone numbering, so numbers look like that country's.
struct Locale {
    country: &'static str,
    calling_code: &'static str,
    /// Digits of a national significant number, first digit fixed to look like a mobile.
    mobile_prefix: &'static str,
    national_len: usize,
    first: &'static [&'static str],
    last: &'static [&'static str],
    domain: &'static str,
    city: &'static [&'static str],
}

const LOCALES: &[Locale] = &[
    Locale {
        country: "PT",
        calling_code: "351",
        mobile_prefix: "91",
        national_len: 9,
        first: &[
            "Maria", "João", "Ana", "Tiago", "Inês", "Rui", "Beatriz", "Gonçalo",
        ],
        last: &[
            "Oliveira",
            "Santos",
            "Ferreira",
            "Conceição",
            "Gonçalves",
            "Araújo",
        ],
        domain: "exemplo.pt",
        city: &["Lisboa", "Porto", "Braga"],
    },
    Locale {
        country: "US",
        calling_code: "1",
        mobile_prefix: "212",
        national_len: 10,
        first: &["James", "Emily", "Michael", "Olivia", "Daniel", "Sophia", "Ethan"],
        last: &[
            "Johnson",
            "Smith",
            "Williams",
            "Brown",
            "O'Connor",
            "Garcia-Lopez",
        ],
        domain: "example.com",
        city: &["New York", "Austin", "Denver"],
    },
    Locale {
        country: "DE",
        calling_code: "49",
        mobile_prefix: "151",
        national_len: 11,
        first: &["Jürgen", "Lena", "Maximilian", "Sophie", "Lukas", "Anja"],
        last: &["Müller", "Schröder", "Weiß", "Groß", "Köhler", "Hoffmann"],
        domain: "beispiel.de",
        city: &["Berlin", "München", "Köln"],
    },
    Locale {
        country: "IN",
        calling_code: "91",
        mobile_prefix: "98",
        national_len: 10,
        first: &["Aarav", "Priya", "Rohan", "Ananya", "Vikram", "Lakshmi"],
        last: &["Sharma", "Iyer", "Patel", "Reddy", "Banerjee", "Nair"],
        domain: "udaharan.in",
        city: &["Mumbai", "Bengaluru", "Pune"],
    },
    Locale {
        country: "JP",
        calling_code: "81",
        mobile_prefix: "90",
        national_len: 10,
        first: &["陽翔", "結衣", "さくら", "Haruto", "Yui", "蓮"],
        last: &["佐藤", "鈴木", "高橋", "Tanaka", "Watanabe", "伊藤"],
        domain: "rei.jp",
        city: &["東京", "Osaka", "京都"],
    },
    Locale {
        country: "EG",
        calling_code: "20",
        mobile_prefix: "10",
        national_len: 10,
        first: &["محمد", "فاطمة", "Omar", "Layla", "أحمد", "Nour"],
        last: &["حسن", "Mahmoud", "السيد", "Farouk", "إبراهيم"],
        domain: "mithal.eg",
        city: &["القاهرة", "Alexandria", "Giza"],
    },
    Locale {
        country: "FR",
        calling_code: "33",
        mobile_prefix: "6",
        national_len: 9,
        first: &["Chloé", "Léa", "François", "Zoë", "Hélène", "Benoît"],
        last: &["Dubois", "Lefèvre", "Moreau", "Fontaine", "Lambert"],
        domain: "exemple.fr",
        city: &["Paris", "Lyon", "Nantes"],
    },
];

/// One synthetic person; each provider renders the same person in its own shape.
#[derive(Debug, Clone)]
pub struct Person {
    pub index: usize,
    pub first_name: String,
    pub last_name: String,
    pub country: &'static str,
    pub calling_code: &'static str,
    /// National significant number (no trunk 0), digits only.
    pub national: String,
    pub second_national: Option<String>,
    pub email: String,
    pub company: Option<String>,
    pub city: &'static str,
    pub street: String,
    pub postal_code: String,
}

impl Person {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }

    pub fn e164(&self) -> String {
        format!("+{}{}", self.calling_code, self.national)
    }

    /// The main number written in one of the many ways people store numbers, chosen by
    /// `style`, so providers disagree on format as real ones do.
    pub fn phone_in_style(&self, style: usize) -> String {
        let n = &self.national;
        let (a, b) = n.split_at(n.len() / 2);
        match style % 5 {
            0 => self.e164(),
            1 => format!("00{}{}", self.calling_code, n),
            2 => format!("+{} {} {}", self.calling_code, a, b),
            3 => format!("0{a}-{b}"),
            _ => format!("({}) {}", self.calling_code, n),
        }
    }
}

const COMPANIES: &[&str] = &[
    "Acme Seguros",
    "Banco Horizonte",
    "Nordlicht GmbH",
    "Sakura Trading",
    "Nile Logistics",
];
const STREETS: &[&str] = &[
    "Rua das Flores",
    "Main Street",
    "Hauptstraße",
    "Avenue Foch",
    "MG Road",
    "桜通り",
];

/// Generates `count` people from `seed`; the same arguments give the same people.
pub fn people(count: usize, seed: u64) -> Vec<Person> {
    let mut rng = Rng::new(seed);
    let mut people: Vec<Person> = (0..count)
        .map(|index| {
            let locale = rng.pick(LOCALES);
            let first_name = rng.pick(locale.first).to_string();
            let last_name = rng.pick(locale.last).to_string();
            let national = national_number(&mut rng, locale);
            let second_national = rng.chance(40).then(|| national_number(&mut rng, locale));
            let local_part = ascii_fold(&format!("{first_name}.{last_name}"));
            let local_part = if local_part.trim_matches('.').is_empty() {
                format!("contact{index}")
            } else {
                format!("{local_part}{index}")
            };
            Person {
                index,
                email: format!("{local_part}@{}", locale.domain),
                company: rng.chance(60).then(|| rng.pick(COMPANIES).to_string()),
                city: locale.city[rng.below(locale.city.len())],
                street: format!("{} {}", rng.pick(STREETS), 1 + rng.below(300)),
                postal_code: format!("{:05}", rng.below(100_000)),
                country: locale.country,
                calling_code: locale.calling_code,
                national,
                second_national,
                first_name,
                last_name,
            }
        })
        .collect();
    // Households: one person in 97 shares the previous person's main number (a family
    // line), so a caller's number can match several people.
    for index in (1..people.len()).filter(|i| i % HOUSEHOLD_EVERY == 1) {
        let (country, calling_code, national) = {
            let p = &people[index - 1];
            (p.country, p.calling_code, p.national.clone())
        };
        let p = &mut people[index];
        (p.country, p.calling_code, p.national) = (country, calling_code, national);
    }
    people
}

/// One person in this many shares a number with the person before.
pub const HOUSEHOLD_EVERY: usize = 97;

fn national_number(rng: &mut Rng, locale: &Locale) -> String {
    let mut n = locale.mobile_prefix.to_owned();
    while n.len() < locale.national_len {
        n.push(char::from(b'0' + rng.below(10) as u8));
    }
    n
}

/// Lower-case ASCII for e-mail local parts: accents dropped, other scripts removed.
fn ascii_fold(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            'á' | 'à' | 'ã' | 'â' | 'ä' => Some('a'),
            'é' | 'è' | 'ê' | 'ë' => Some('e'),
            'í' | 'ì' | 'î' | 'ï' => Some('i'),
            'ó' | 'ò' | 'õ' | 'ô' | 'ö' => Some('o'),
            'ú' | 'ù' | 'û' | 'ü' => Some('u'),
            'ç' => Some('c'),
            'ß' => Some('s'),
            c if c.is_ascii_alphanumeric() || c == '.' => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

/// Current UTC time as `YYYY-MM-DDTHH:MM:SSZ`, for error timestamps.
pub fn now_iso8601() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    iso8601(secs)
}

/// Seconds since the epoch as an ISO-8601 UTC string (Howard Hinnant's civil-from-days).
pub fn iso8601(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_people_other_seed_other_people() {
        let a = people(50, 7);
        let b = people(50, 7);
        let c = people(50, 8);
        assert_eq!(
            a.iter().map(Person::e164).collect::<Vec<_>>(),
            b.iter().map(Person::e164).collect::<Vec<_>>()
        );
        assert_ne!(
            a.iter().map(Person::e164).collect::<Vec<_>>(),
            c.iter().map(Person::e164).collect::<Vec<_>>()
        );
    }

    #[test]
    fn every_style_keeps_the_same_digits() {
        let p = &people(1, 3)[0];
        for style in 0..5 {
            let digits: String = p
                .phone_in_style(style)
                .chars()
                .filter(char::is_ascii_digit)
                .collect();
            assert!(
                digits.ends_with(&p.national),
                "style {style}: {}",
                p.phone_in_style(style)
            );
        }
    }
}
