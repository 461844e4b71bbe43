//! Substring search over a whole population at memory speed.
//!
//! Searching 10,000 contacts one field at a time costs a millisecond; laying every record's
//! lower-cased fields end to end and scanning them once with `memchr::memmem` (SIMD) costs a
//! tenth of that, so the simulator answers a search page in well under a millisecond.

use memchr::memmem;

/// Never part of UTF-8, so a (UTF-8) needle cannot match across two fields.
const SEPARATOR: u8 = 0xFF;

/// The lower-cased text fields of many records, in record order.
pub(crate) struct TextIndex {
    /// Every field preceded by `SEPARATOR`.
    text: Vec<u8>,
    /// Where each record's first field starts in `text`, ascending.
    starts: Vec<usize>,
}

impl TextIndex {
    /// `records` yields, per record, the fields to search (lower-cased here).
    pub(crate) fn new<R, F>(records: R) -> Self
    where
        R: IntoIterator<Item = F>,
        F: IntoIterator,
        F::Item: AsRef<str>,
    {
        let mut index = TextIndex {
            text: Vec::new(),
            starts: Vec::new(),
        };
        for fields in records {
            index.starts.push(index.text.len());
            for field in fields {
                index.text.push(SEPARATOR);
                index
                    .text
                    .extend_from_slice(field.as_ref().to_lowercase().as_bytes());
            }
        }
        index
    }

    /// Indices of the records with a field containing `needle_lower`, ascending, each once;
    /// every record for an empty needle.
    pub(crate) fn containing(&self, needle_lower: &str) -> Vec<usize> {
        if needle_lower.is_empty() {
            return (0..self.starts.len()).collect();
        }
        self.records_at(memmem::find_iter(&self.text, needle_lower.as_bytes()))
    }

    /// Indices of the records with a field starting with `needle_lower`, ascending, each once.
    pub(crate) fn field_starting_with(&self, needle_lower: &str) -> Vec<usize> {
        let mut needle = Vec::with_capacity(needle_lower.len() + 1);
        needle.push(SEPARATOR);
        needle.extend_from_slice(needle_lower.as_bytes());
        self.records_at(memmem::find_iter(&self.text, &needle))
    }

    fn records_at(&self, hits: impl Iterator<Item = usize>) -> Vec<usize> {
        let mut records: Vec<usize> = Vec::new();
        for at in hits {
            // The record whose span holds `at`: the last start at or before it.
            let record = self
                .starts
                .partition_point(|&start| start <= at)
                .saturating_sub(1);
            if records.last() != Some(&record) {
                records.push(record);
            }
        }
        records
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> TextIndex {
        TextIndex::new([
            vec!["Maria Oliveira", "+351 912"],
            vec![],
            vec!["José", "Mariana"],
            vec!["ANA"],
        ])
    }

    #[test]
    fn finds_each_record_once_in_order_whatever_the_case() {
        let index = index();
        assert_eq!(index.containing("mari"), [0, 2]);
        assert_eq!(index.containing("ana"), [2, 3]);
        assert_eq!(index.containing("josé"), [2]);
        assert_eq!(index.containing("zzz"), Vec::<usize>::new());
        assert_eq!(index.containing(""), [0, 1, 2, 3]);
    }

    #[test]
    fn a_match_never_spans_two_fields_or_two_records() {
        let index = index();
        assert_eq!(index.containing("912josé"), Vec::<usize>::new());
        assert_eq!(index.containing("oliveira+351"), Vec::<usize>::new());
    }

    proptest::proptest! {
        #[test]
        fn finds_what_a_field_by_field_search_finds(
            records in proptest::collection::vec(proptest::collection::vec("[aAbé1 +]{0,6}", 0..4), 0..30),
            needle in "[abé1 +]{1,3}",
        ) {
            let index = TextIndex::new(&records);
            let lower = |f: &String| f.to_lowercase();
            let containing: Vec<usize> = (0..records.len())
                .filter(|&i| records[i].iter().any(|f| lower(f).contains(&needle)))
                .collect();
            let starting: Vec<usize> = (0..records.len())
                .filter(|&i| records[i].iter().any(|f| lower(f).starts_with(&needle)))
                .collect();
            proptest::prop_assert_eq!(index.containing(&needle), containing);
            proptest::prop_assert_eq!(index.field_starting_with(&needle), starting);
        }
    }

    #[test]
    fn prefixes_are_field_prefixes() {
        let index = index();
        assert_eq!(index.field_starting_with("mari"), [0, 2]);
        assert_eq!(index.field_starting_with("oliv"), Vec::<usize>::new());
        assert_eq!(index.field_starting_with("+351"), [0]);
    }
}
