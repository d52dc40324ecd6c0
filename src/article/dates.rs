//! Finding a publication date written in a line of metadata, a byline or a front-matter value.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

/// ISO dates (with an optional time), "3 March 2024", "March 3, 2024", "Mar. 3 2024",
/// "03/03/2024": the forms news sites, blogs and static-site generators write.
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    let month = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?";
    let day = r"\d{1,2}(?:st|nd|rd|th)?";
    let pattern = format!(
        r"(?i)\b(?:\d{{4}}-\d{{2}}-\d{{2}}(?:[T ]\d{{2}}:\d{{2}}(?::\d{{2}}(?:\.\d+)?)?(?:Z|[+-]\d{{2}}:?\d{{2}})?)?|{day} {month},? \d{{4}}|{month} {day},? \d{{4}}|\d{{1,2}}/\d{{1,2}}/\d{{4}}|\d{{4}}/\d{{2}}/\d{{2}})"
    );
    Regex::new(&pattern).expect("date pattern compiles") // ok: a constant, tested below
});

/// The first date in `text`, as a byte range into it.
pub(crate) fn find_date(text: &str) -> Option<Range<usize>> {
    DATE.find(text).map(|m| m.range())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_usual_forms() {
        for (text, date) in [
            (
                "Published 2024-03-05T08:00:00Z by us",
                "2024-03-05T08:00:00Z",
            ),
            ("By Jane Doe · 5 March 2024", "5 March 2024"),
            ("Updated: Mar. 5, 2024, 9:00 am", "Mar. 5, 2024"),
            ("on 05/03/2024.", "05/03/2024"),
        ] {
            let r = find_date(text).unwrap();
            assert_eq!(&text[r], date);
        }
        assert_eq!(find_date("Jane Doe is a fellow at the institute"), None);
        assert_eq!(find_date("We may see 2024 differently"), None);
    }
}
