//! Writing maps out: JSON (the `toulmin/map@1` schema) and files written atomically.

use std::io::Write;
use std::path::Path;

use crate::graph::model::ArgumentMap;

/// The map as pretty JSON with a final newline; field order is the schema's, so the same map
/// always gives the same bytes.
pub fn to_json(map: &ArgumentMap) -> String {
    let mut s = serde_json::to_string_pretty(map).unwrap_or_else(|e| {
        // Serialising plain structs of strings and numbers cannot fail; say so loudly if it does.
        format!("{{\"error\":\"cannot serialise map: {e}\"}}")
    });
    s.push('\n');
    s
}

/// One JSON object on one line, for `--jsonl` output.
pub fn to_json_line(map: &ArgumentMap) -> String {
    serde_json::to_string(map).unwrap_or_default()
}

/// Writes `contents` to `path` through a temporary file in the same directory and a rename, so a
/// reader never sees a half-written file and a failure leaves any old file intact.
pub fn write_atomic(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".toulmin-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(contents)?;
    // Temporary files are created private; the result should look like any file the user
    // writes: keep an existing file's permissions, else the usual rw-r--r--.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_or(0o644, |m| m.permissions().mode());
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
