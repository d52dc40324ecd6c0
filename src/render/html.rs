//! The self-contained HTML report: article and diagram side by side.

use crate::pipeline::Mapped;

use super::escape_xml;

pub fn report(mapped: &Mapped, svg: &str) -> String {
    let title = escape_xml(
        mapped
            .map
            .title
            .as_deref()
            .unwrap_or(&mapped.map.source.name),
    );
    format!("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{title}</title></head><body>{svg}</body></html>\n")
}
