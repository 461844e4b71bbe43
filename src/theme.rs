//! Light/dark theme and host-provided design tokens, applied to the document root. Tokens
//! arrive already validated (see [`crate::bridge`]); they are set through the CSSOM, which the
//! widget's Content-Security-Policy allows without `'unsafe-inline'`.

use wasm_bindgen::JsCast;

use crate::bridge::ThemeMode;

fn root() -> Option<web_sys::HtmlElement> {
    web_sys::window()?.document()?.document_element()?.dyn_into().ok()
}

/// `auto` follows `prefers-color-scheme`; light and dark force it.
pub fn set_mode(mode: ThemeMode) {
    if let Some(root) = root() {
        let _ = root.set_attribute("data-theme", mode.as_str());
    }
}

pub fn set_tokens(tokens: &[(String, String)]) {
    if let Some(root) = root() {
        let style = root.style();
        for (name, value) in tokens {
            let _ = style.set_property(name, value);
        }
    }
}

pub fn set_lang(lang: &str) {
    if let Some(root) = root() {
        let _ = root.set_attribute("lang", lang);
    }
}
