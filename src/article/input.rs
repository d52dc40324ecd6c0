//! Turning the bytes a user hands us into text, or saying precisely why we cannot.

use crate::position::byte_line_col;
use thiserror::Error;

/// Commentary articles are a few thousand words; 8 MiB is far beyond any real one and keeps a
/// mistaken input (a video, a database dump) from being read into memory whole.
pub const MAX_INPUT_BYTES: usize = 8 * 1024 * 1024;

#[derive(Debug, Error, PartialEq)]
pub enum InputError {
    #[error("the input is empty: there is no text to map")]
    Empty,
    #[error("the input holds only whitespace: there is no text to map")]
    Blank,
    #[error("the input is {size} bytes; toulmin reads at most {max} bytes (8 MiB) per article")]
    TooLarge { size: usize, max: usize },
    #[error(
        "the input looks binary: it has a NUL byte at byte {offset} (line {line}, column {column})"
    )]
    Binary {
        offset: usize,
        line: usize,
        column: usize,
    },
    #[error("the input is not valid UTF-8: invalid byte 0x{byte:02x} at byte {offset} (line {line}, column {column})")]
    InvalidUtf8 {
        byte: u8,
        offset: usize,
        line: usize,
        column: usize,
    },
}

/// Decodes input bytes: drops a UTF-8 BOM and changes nothing else, so that character offsets
/// computed on the result agree with any tool that reads the same file.
pub fn decode_input(bytes: &[u8]) -> Result<String, InputError> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(InputError::TooLarge {
            size: bytes.len(),
            max: MAX_INPUT_BYTES,
        });
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.is_empty() {
        return Err(InputError::Empty);
    }
    if let Some(offset) = bytes.iter().position(|&b| b == 0) {
        let (line, column) = byte_line_col(bytes, offset);
        return Err(InputError::Binary {
            offset,
            line,
            column,
        });
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            let offset = err.valid_up_to();
            let (line, column) = byte_line_col(bytes, offset);
            return Err(InputError::InvalidUtf8 {
                byte: bytes[offset],
                offset,
                line,
                column,
            });
        }
    };
    if text.trim().is_empty() {
        return Err(InputError::Blank);
    }
    Ok(text.to_string())
}
