//! `cardfile-parse <kind>`: parses one raw provider response body from stdin and prints the
//! resulting page as JSON, so a response captured anywhere can be checked against the adapter.
//!
//! Exit status: 0 parsed, 1 the body is not a usable response, 2 bad usage.

use std::io::{Read, Write};
use std::process::ExitCode;

use cardfile_core::{PageToken, ProviderKind, Query, SourceOptions, adapter_for};

const USAGE: &str = "usage: cardfile-parse <talkdesk|symphony|gws|8x8|smartflo> [options] < body
  --status <code>         HTTP status the body came with (default 200)
  --query <by>=<value>    the query it answers: text, phone, email or id (default: list all)
  --at <style>:<value>    the page it is: page:N, index:N, offset:N or cursor:TEXT
  --option <key>=<value>  a source option (repeatable); 8x8 account_id and Symphony
                          external_network have placeholder defaults";

/// Placeholder options so a kind parses without configuration; `--option` overrides them.
fn default_options(kind: ProviderKind) -> SourceOptions {
    let mut options = SourceOptions::new();
    match kind {
        ProviderKind::EightByEight => {
            options.insert("account_id".into(), "00000000000000000000000000000000".into());
        }
        ProviderKind::Symphony => {
            options.insert("external_network".into(), "WHATSAPP".into());
        }
        _ => {}
    }
    options
}

struct Args {
    kind: ProviderKind,
    status: u16,
    query: Query,
    at: Option<PageToken>,
    options: SourceOptions,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let kind: ProviderKind = args.next().ok_or("missing <kind>")?.parse()?;
    let mut parsed = Args {
        kind,
        status: 200,
        query: Query::Text(String::new()),
        at: None,
        options: default_options(kind),
    };
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("`{flag}` needs a value"))?;
        match flag.as_str() {
            "--status" => {
                parsed.status = value
                    .parse()
                    .ok()
                    .filter(|s| (100..=599).contains(s))
                    .ok_or_else(|| format!("`{value}` is not an HTTP status"))?;
            }
            "--query" => {
                let (by, v) = value.split_once('=').ok_or("--query takes <by>=<value>")?;
                parsed.query = match by {
                    "text" => Query::Text(v.into()),
                    "phone" => Query::Phone(v.into()),
                    "email" => Query::Email(v.into()),
                    "id" => Query::Id(v.into()),
                    other => return Err(format!("unknown query kind `{other}`")),
                };
            }
            "--at" => {
                let (style, v) = value.split_once(':').ok_or("--at takes <style>:<value>")?;
                let number = || v.parse::<u64>().map_err(|_| format!("`{v}` is not a number"));
                let small = || u32::try_from(number()?).map_err(|_| format!("`{v}` is too large"));
                parsed.at = Some(match style {
                    "page" => PageToken::Page(small()?),
                    "index" => PageToken::Index(small()?),
                    "offset" => PageToken::Offset(number()?),
                    "cursor" => PageToken::Cursor(v.into()),
                    other => return Err(format!("unknown page style `{other}`")),
                });
            }
            "--option" => {
                let (k, v) = value.split_once('=').ok_or("--option takes <key>=<value>")?;
                parsed.options.insert(k.into(), v.into());
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(parsed)
}

/// One line on stderr, whatever the message holds.
fn fail(kind: &str, reason: &str) {
    let reason = reason.split_whitespace().collect::<Vec<_>>().join(" ");
    let _ = writeln!(std::io::stderr(), "cardfile-parse: {kind}: {reason}");
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(reason) => {
            let _ = writeln!(std::io::stderr(), "cardfile-parse: {reason}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let kind = args.kind.as_str();
    let adapter = match adapter_for(args.kind, "cli", &args.options) {
        Ok(adapter) => adapter,
        Err(e) => {
            fail(kind, &e.to_string());
            return ExitCode::from(2);
        }
    };
    let mut body = Vec::new();
    if let Err(e) = std::io::stdin().read_to_end(&mut body) {
        fail(kind, &format!("cannot read stdin: {e}"));
        return ExitCode::from(1);
    }
    match adapter.parse_response(&args.query, args.at.as_ref(), args.status, &body) {
        Ok(page) => match serde_json::to_string(&page) {
            Ok(json) => {
                let _ = writeln!(std::io::stdout(), "{json}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                fail(kind, &e.to_string());
                ExitCode::from(1)
            }
        },
        Err(e) => {
            fail(kind, &e.to_string());
            ExitCode::from(1)
        }
    }
}
