//! Files and paths: `file`, `fileexists`, `filebase64` (only inside the scan root), `basename`, `dirname`, `abspath`.

use super::*;

pub(super) fn call(name: &str, args: &[Val], ctx: &Ctx) -> Option<Val> {
    let a = Args(args);
    Some(match name {
        "basename" => a
            .s(0)
            .map(|x| Val::Str(x.rsplit('/').next().unwrap_or("").into()))
            .unwrap_or_else(|| Val::error("basename takes a string")),
        "dirname" => a
            .s(0)
            .map(|x| Val::Str(x.rsplit_once('/').map_or(".", |(d, _)| d).into()))
            .unwrap_or_else(|| Val::error("dirname takes a string")),
        "abspath" | "pathexpand" => a
            .s(0)
            .map(Val::Str)
            .unwrap_or_else(|| Val::error(format!("{name} takes a string"))),
        "file" | "fileexists" | "filebase64" => match a.s(0) {
            Some(p) => match read_file(&p, ctx) {
                Ok(text) => match name {
                    "file" => Val::Str(text),
                    "filebase64" => Val::Str(base64(text.as_bytes())),
                    _ => Val::Bool(true),
                },
                Err(_) if name == "fileexists" => Val::Bool(false),
                Err(e) => Val::error(e.to_string()),
            },
            None => Val::error(format!("{name} takes a path")),
        },
        _ => return None,
    })
}

/// Why a file named in the configuration is not read.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("file({0:?}): {1}")]
    Missing(String, std::io::Error),
    #[error("file({0:?}) is outside the scanned directory; not read")]
    Outside(String),
    /// What the reader said (too large, not text, …).
    #[error("{0}")]
    Unreadable(String),
}

/// Reads a file named in the configuration, only from within the scan root.
pub fn read_file(p: &str, ctx: &Ctx) -> Result<String, FileError> {
    let missing = |e| FileError::Missing(p.to_string(), e);
    let canonical = ctx.root_dir.join(p).canonicalize().map_err(missing)?;
    let root = ctx.scan_root.canonicalize().map_err(missing)?;
    if !canonical.starts_with(&root) {
        return Err(FileError::Outside(p.to_string()));
    }
    crate::input::read_text(&canonical, p).map_err(|d| FileError::Unreadable(d.message))
}
