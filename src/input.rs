//! Reading what rampart is pointed at, safely, whatever reads it: sizes bounded, text decoded
//! (UTF-8, or UTF-16 with its byte order mark), JSON nesting bounded before serde recurses, paths
//! found by convention kept inside the scanned directory, and paths in reports relative.

use serde_json::Value as Json;
use std::path::{Path, PathBuf};

use crate::model::{Diagnostic, DiagnosticLevel};

/// Configuration files above this size are not parsed (they are not hand-written).
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// Machine-written JSON documents (plans, snapshots) may be far larger.
pub const MAX_DOCUMENT_BYTES: u64 = 2 * 1024 * 1024 * 1024;

/// Relative path with `/` separators for reports; `root` is the scan root.
pub fn rel_path(root: &Path, path: &Path) -> String {
    let joined = |p: &Path| {
        p.components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/")
    };
    match path.strip_prefix(root) {
        Ok(p) if p.as_os_str().is_empty() => ".".to_string(),
        Ok(p) => joined(p),
        // Outside the root (a module in `../shared`): relative still, so no output carries the
        // machine's directory layout.
        Err(_) => match pathdiff::diff_paths(path, root) {
            Some(p) => joined(&p),
            None => path.to_string_lossy().replace('\\', "/"),
        },
    }
}

/// Why a path found by convention is not read.
#[derive(Debug, thiserror::Error)]
pub enum PathRefused {
    #[error("{shown}: cannot be read: {source}")]
    Unreadable {
        shown: String,
        source: std::io::Error,
    },
    #[error("{0} resolves outside the scanned directory; refused (it is not read)")]
    Outside(String),
}

/// `path` resolved, if it lies inside `root` (links followed); otherwise why it is refused.
/// Files found by convention in a scanned repository must not reach outside it.
pub fn inside_root(root: &Path, path: &Path) -> Result<PathBuf, PathRefused> {
    let shown = rel_path(root, path);
    let resolved = path
        .canonicalize()
        .map_err(|source| PathRefused::Unreadable {
            shown: shown.clone(),
            source,
        })?;
    let root = root
        .canonicalize()
        .map_err(|source| PathRefused::Unreadable {
            shown: root.display().to_string(),
            source,
        })?;
    if resolved.starts_with(&root) {
        Ok(resolved)
    } else {
        Err(PathRefused::Outside(shown))
    }
}

/// Reads a file as configuration text (at most [`MAX_FILE_BYTES`]), or says why it cannot be.
pub fn read_text(path: &Path, rel: &str) -> Result<String, Diagnostic> {
    read_text_limited(path, rel, MAX_FILE_BYTES)
}

/// Reads a text file of at most `limit` bytes, or says why it cannot be read.
pub fn read_text_limited(path: &Path, rel: &str, limit: u64) -> Result<String, Diagnostic> {
    let err = |message: String| Diagnostic::at_line(DiagnosticLevel::Error, rel, 1, message);
    let meta = std::fs::metadata(path).map_err(|e| err(format!("cannot read {rel}: {e}")))?;
    if meta.len() > limit {
        return Err(err(format!(
            "{rel} is {} bytes, larger than the {limit}-byte limit for this kind of file; not scanned",
            meta.len()
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| err(format!("cannot read {rel}: {e}")))?;
    decode_text(bytes).map_err(|why| err(format!("{rel} {why}; not scanned")))
}

/// Why bytes are not text rampart reads (the message follows the file's name).
#[derive(Debug, thiserror::Error)]
pub enum NotText {
    #[error("is not UTF-8 text")]
    NotUtf8,
    #[error("is not UTF-8 text (invalid byte at offset {0})")]
    InvalidUtf8At(usize),
    #[error("is not valid UTF-16 text")]
    NotUtf16,
    #[error("is a binary file")]
    Binary,
}

/// Text from a file's bytes: UTF-8 (a byte order mark is dropped), or UTF-16 with its byte order
/// mark (what PowerShell writes by default, e.g. `terraform show -json plan > plan.json`).
pub fn decode_text(bytes: Vec<u8>) -> Result<String, NotText> {
    let utf16 = |le: bool| -> Result<String, NotText> {
        let units: Vec<u16> = bytes[2..]
            .chunks(2)
            .map(|c| {
                let pair = [c[0], *c.get(1).unwrap_or(&0)];
                if le {
                    u16::from_le_bytes(pair)
                } else {
                    u16::from_be_bytes(pair)
                }
            })
            .collect();
        String::from_utf16(&units).map_err(|_| NotText::NotUtf16)
    };
    match bytes.as_slice() {
        [0xEF, 0xBB, 0xBF, ..] => {
            String::from_utf8(bytes[3..].to_vec()).map_err(|_| NotText::NotUtf8)
        }
        [0xFF, 0xFE, ..] => utf16(true),
        [0xFE, 0xFF, ..] => utf16(false),
        _ if bytes.contains(&0) => Err(NotText::Binary),
        _ => String::from_utf8(bytes)
            .map_err(|e| NotText::InvalidUtf8At(e.utf8_error().valid_up_to())),
    }
}

/// Nesting deeper than this in a plan file is rejected (protects the stack).
pub const MAX_JSON_DEPTH: usize = 128;

/// Parses JSON, refusing nesting deeper than [`MAX_JSON_DEPTH`] before serde recurses into it.
pub fn parse_json_bounded(text: &str) -> Result<Json, (String, u32, u32)> {
    check_json_depth(text)?;
    serde_json::from_str(text).map_err(|e| (e.to_string(), e.line() as u32, e.column() as u32))
}

/// Refuses JSON text that nests deeper than [`MAX_JSON_DEPTH`] (with the line where it does),
/// in one pass that does not recurse.
pub fn check_json_depth(text: &str) -> Result<(), (String, u32, u32)> {
    let mut depth = 0usize;
    let mut in_str = false;
    let mut escaped = false;
    let mut line = 1u32;
    for c in text.chars() {
        if c == '\n' {
            line += 1;
        }
        if in_str {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_str = true,
            '{' | '[' => {
                depth += 1;
                if depth > MAX_JSON_DEPTH {
                    return Err((
                        format!("JSON nests deeper than {MAX_JSON_DEPTH} levels"),
                        line,
                        1,
                    ));
                }
            }
            '}' | ']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_order_marks_and_utf16_decode() {
        let text = "{\"a\": \"é\"}";
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend(text.as_bytes());
        assert_eq!(decode_text(bom).unwrap(), text);
        let mut le = vec![0xFF, 0xFE];
        le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode_text(le).unwrap(), text);
        let mut be = vec![0xFE, 0xFF];
        be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(decode_text(be).unwrap(), text);
        assert!(decode_text(vec![b'a', 0, b'b']).is_err());
        assert!(decode_text(vec![0xC3, 0x28]).is_err());
    }
}
