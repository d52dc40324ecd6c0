//! Line and column of a byte offset, as every message that points into a file shows them:
//! both 1-based, columns counted in characters, not bytes.

/// (line, column) of `offset` in `bytes`. The bytes need not be valid UTF-8: a message about a
/// file that is not still points into it.
pub fn byte_line_col(bytes: &[u8], offset: usize) -> (usize, usize) {
    let offset = offset.min(bytes.len());
    let before = &bytes[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&bytes[line_start..offset])
        .chars()
        .count()
        + 1;
    (line, column)
}

/// (line, column) of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    byte_line_col(text.as_bytes(), offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_and_lines_start_at_one() {
        let text = "ab\ncafé x";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        // "café " is six bytes but five characters.
        assert_eq!(line_col(text, 9), (2, 6));
        assert_eq!(line_col(text, 999), (2, 7));
        assert_eq!(byte_line_col(b"a\xff\nb", 3), (2, 1));
        assert_eq!(byte_line_col(b"a\xffb", 2), (1, 3));
    }
}
