//! The article reader: any bytes are either refused with a clear error or read into blocks and
//! sentences whose ranges lie inside the text.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use toulmin::article::{decode_input, Article, InputError, MAX_INPUT_BYTES};

fuzz_target!(|data: &[u8]| {
    match decode_input(data) {
        Ok(text) => {
            let body = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
            assert_eq!(text.as_bytes(), body, "decoding changed more than the BOM");
            let article = Article::parse("fuzz", &text);
            common::check_article(&article);
        }
        Err(e) => {
            let message = e.to_string();
            assert!(!message.is_empty());
            match e {
                InputError::TooLarge { size, .. } => assert!(size > MAX_INPUT_BYTES),
                InputError::Binary { offset, .. } => assert_eq!(
                    data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data)[offset],
                    0,
                    "{message}"
                ),
                InputError::InvalidUtf8 { offset, .. } => {
                    let body = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
                    assert!(std::str::from_utf8(&body[..offset]).is_ok(), "{message}");
                }
                InputError::Empty | InputError::Blank => {}
            }
        }
    }
});
