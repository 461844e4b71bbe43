pub mod eightbyeight;

/// Case-insensitive substring search that ignores accents' case only (not the accents):
/// what most providers' "contains" search does.
pub(crate) fn contains_folded(haystack_lower: &str, needle: &str) -> bool {
    haystack_lower.contains(&needle.to_lowercase())
}
