//! Reading one Terraform module directory into its blocks, keeping every file's text so that byte
//! offsets become line spans and inline suppression comments can be found.

use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, BlockLabel, Body, Structure};
use hcl_edit::Span as _;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::model::{Diagnostic, DiagnosticLevel, Span};

/// Configuration files above this size are not parsed (they are not hand-written).
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;
/// Machine-written JSON documents (plans, snapshots) may be far larger.
pub const MAX_DOCUMENT_BYTES: u64 = 2 * 1024 * 1024 * 1024;

/// One configuration file: its text and where its lines start.
#[derive(Debug)]
pub struct SourceFile {
    /// Path relative to the scan root, with `/` separators.
    pub rel_path: String,
    pub text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub fn new(rel_path: String, text: String) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceFile {
            rel_path,
            text,
            line_starts,
        }
    }

    /// 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> u32 {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i as u32 + 1,
            Err(i) => i as u32,
        }
    }

    pub fn span_of(&self, range: &Range<usize>) -> Span {
        let end = range.end.saturating_sub(1).max(range.start);
        Span {
            file: self.rel_path.clone(),
            start_line: self.line_of(range.start),
            end_line: self.line_of(end),
        }
    }

    /// The text of lines `start..=end` (1-based), found through the line index: a block's lines
    /// cost what the block is long, not what the file is.
    pub fn lines(&self, start: u32, end: u32) -> impl Iterator<Item = &str> {
        let first = (start.max(1) - 1) as usize;
        let from = self
            .line_starts
            .get(first)
            .copied()
            .unwrap_or(self.text.len());
        let to = self
            .line_starts
            .get(end as usize)
            .copied()
            .unwrap_or(self.text.len())
            .max(from);
        self.text[from..to].lines()
    }
}

pub type FileId = usize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Managed,
    Data,
}

/// A `resource` or `data` block.
#[derive(Debug)]
pub struct ResourceBlock {
    pub mode: Mode,
    pub rtype: String,
    pub name: String,
    pub body: Body,
    pub file: FileId,
    pub range: Option<Range<usize>>,
}

impl ResourceBlock {
    /// `aws_s3_bucket.b` or `data.aws_iam_policy_document.p`.
    pub fn local_address(&self) -> String {
        match self.mode {
            Mode::Managed => format!("{}.{}", self.rtype, self.name),
            Mode::Data => format!("data.{}.{}", self.rtype, self.name),
        }
    }
}

#[derive(Debug)]
pub struct VariableDecl {
    pub default: Option<Expression>,
    pub type_expr: Option<Expression>,
    pub sensitive: bool,
}

/// An `output` block: its value, and whether it is declared `sensitive`.
#[derive(Debug)]
pub struct OutputDecl {
    pub value: Expression,
    pub sensitive: bool,
}

/// A `provider "aws"` block.
#[derive(Debug)]
pub struct ProviderBlock {
    pub body: Body,
    pub file: FileId,
    pub range: Option<Range<usize>>,
}

#[derive(Debug)]
pub struct ModuleCall {
    pub name: String,
    pub source: String,
    pub body: Body,
    pub file: FileId,
    pub range: Option<Range<usize>>,
}

/// Everything declared in one module directory.
#[derive(Debug, Default)]
pub struct ModuleConfig {
    pub dir: PathBuf,
    pub files: Vec<SourceFile>,
    pub variables: BTreeMap<String, VariableDecl>,
    pub locals: BTreeMap<String, (Expression, FileId)>,
    pub resources: Vec<ResourceBlock>,
    pub modules: Vec<ModuleCall>,
    pub outputs: BTreeMap<String, OutputDecl>,
    /// `provider "aws"` blocks (aliases included): the account they are pinned to, and the
    /// credentials a configuration should never hold.
    pub aws_providers: Vec<ProviderBlock>,
}

impl ModuleConfig {
    pub fn span(&self, file: FileId, range: &Option<Range<usize>>) -> Span {
        let f = &self.files[file];
        match range {
            Some(r) => f.span_of(r),
            None => Span {
                file: f.rel_path.clone(),
                start_line: 1,
                end_line: 1,
            },
        }
    }
}

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

/// Loads one module directory: `*.tf` and `*.tf.json`, sorted by name (as Terraform reads them).
pub fn load_module_dir(dir: &Path, root: &Path, diags: &mut Vec<Diagnostic>) -> ModuleConfig {
    let mut cfg = ModuleConfig {
        dir: dir.to_path_buf(),
        ..Default::default()
    };
    let mut paths: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy())
                    .unwrap_or_default();
                (name.ends_with(".tf") || name.ends_with(".tf.json")) && p.is_file()
            })
            .collect(),
        Err(e) => {
            diags.push(Diagnostic {
                level: DiagnosticLevel::Error,
                message: format!("cannot read directory {}: {e}", rel_path(root, dir)),
                span: None,
                column: None,
            });
            return cfg;
        }
    };
    paths.sort();
    for path in paths {
        let rel = rel_path(root, &path);
        let text = match read_text(&path, &rel) {
            Ok(t) => t,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        let body = if rel.ends_with(".json") {
            super::json_config::parse(&text, &rel).map(|j| (j.body, Some(j.ranges)))
        } else {
            hcl_edit::parser::parse_body(&text)
                .map(|b| (b, None))
                .map_err(|e| Diagnostic {
                    level: DiagnosticLevel::Error,
                    message: e.message().to_string(),
                    span: Some(Span {
                        file: rel.clone(),
                        start_line: e.location().line() as u32,
                        end_line: e.location().line() as u32,
                    }),
                    column: Some(e.location().column() as u32),
                })
        };
        let file_id = cfg.files.len();
        cfg.files.push(SourceFile::new(rel, text));
        match body {
            Ok((body, ranges)) => add_body(&mut cfg, body, ranges, file_id, diags),
            Err(d) => diags.push(d),
        }
    }
    report_duplicates(&cfg, diags);
    cfg
}

/// Two blocks with the same address in one module: Terraform rejects the configuration. Both
/// are kept and scanned (either may be the one someone meant); the second is reported.
fn report_duplicates(cfg: &ModuleConfig, diags: &mut Vec<Diagnostic>) {
    let mut first: BTreeMap<(bool, &str, &str), &ResourceBlock> = BTreeMap::new();
    for b in &cfg.resources {
        let key = (b.mode == Mode::Data, b.rtype.as_str(), b.name.as_str());
        match first.get(&key) {
            Some(earlier) => {
                let at = cfg.span(earlier.file, &earlier.range);
                diags.push(Diagnostic {
                    level: DiagnosticLevel::Error,
                    message: format!(
                        "{} is declared twice in this module (first at {}:{}); Terraform rejects this, rampart scans both",
                        b.local_address(),
                        at.file,
                        at.start_line
                    ),
                    span: Some(cfg.span(b.file, &b.range)),
                    column: None,
                });
            }
            None => {
                first.insert(key, b);
            }
        }
    }
    let mut calls: BTreeMap<&str, &ModuleCall> = BTreeMap::new();
    for m in &cfg.modules {
        if let Some(earlier) = calls.insert(m.name.as_str(), m) {
            let at = cfg.span(earlier.file, &earlier.range);
            diags.push(Diagnostic {
                level: DiagnosticLevel::Error,
                message: format!(
                    "module.{} is declared twice in this module (also at {}:{}); Terraform rejects this",
                    m.name, at.file, at.start_line
                ),
                span: Some(cfg.span(m.file, &m.range)),
                column: None,
            });
        }
    }
}

fn label(b: &Block, i: usize) -> Option<String> {
    b.labels.get(i).map(|l| match l {
        BlockLabel::Ident(id) => id.as_str().to_string(),
        BlockLabel::String(s) => s.as_str().to_string(),
    })
}

/// Adds a file's blocks; `ranges` gives each block's byte range where the syntax tree has none
/// (JSON syntax).
fn add_body(
    cfg: &mut ModuleConfig,
    body: Body,
    ranges: Option<Vec<Range<usize>>>,
    file: FileId,
    diags: &mut Vec<Diagnostic>,
) {
    let mut ranges = ranges.map(Vec::into_iter);
    for structure in body.into_iter() {
        let Structure::Block(block) = structure else {
            continue;
        };
        let given = ranges.as_mut().and_then(Iterator::next);
        let range = block.span().or(given);
        let kind = block.ident.as_str().to_string();
        let bad = |what: &str, diags: &mut Vec<Diagnostic>, cfg: &ModuleConfig| {
            diags.push(Diagnostic {
                level: DiagnosticLevel::Error,
                message: format!("{what} block is missing its labels"),
                span: Some(cfg.span(file, &range)),
                column: None,
            })
        };
        match kind.as_str() {
            "resource" | "data" => {
                let (Some(rtype), Some(name)) = (label(&block, 0), label(&block, 1)) else {
                    bad(&kind, diags, cfg);
                    continue;
                };
                cfg.resources.push(ResourceBlock {
                    mode: if kind == "resource" {
                        Mode::Managed
                    } else {
                        Mode::Data
                    },
                    rtype,
                    name,
                    body: block.body,
                    file,
                    range,
                });
            }
            "variable" => {
                let Some(name) = label(&block, 0) else {
                    bad(&kind, diags, cfg);
                    continue;
                };
                let attr = |k: &str| block.body.get_attribute(k).map(|a| a.value.clone());
                let sensitive =
                    matches!(attr("sensitive"), Some(Expression::Bool(b)) if *b.value());
                cfg.variables.insert(
                    name,
                    VariableDecl {
                        default: attr("default"),
                        type_expr: attr("type"),
                        sensitive,
                    },
                );
            }
            "locals" => {
                for a in block.body.attributes() {
                    cfg.locals
                        .insert(a.key.as_str().to_string(), (a.value.clone(), file));
                }
            }
            "output" => {
                if let (Some(name), Some(a)) = (label(&block, 0), block.body.get_attribute("value"))
                {
                    let sensitive = matches!(
                        block.body.get_attribute("sensitive").map(|a| &a.value),
                        Some(Expression::Bool(b)) if *b.value()
                    );
                    let value = a.value.clone();
                    cfg.outputs.insert(name, OutputDecl { value, sensitive });
                }
            }
            "provider" if label(&block, 0).as_deref() == Some("aws") => {
                cfg.aws_providers.push(ProviderBlock {
                    body: block.body,
                    file,
                    range,
                });
            }
            "module" => {
                let Some(name) = label(&block, 0) else {
                    bad(&kind, diags, cfg);
                    continue;
                };
                let source = match block.body.get_attribute("source").map(|a| &a.value) {
                    Some(Expression::String(s)) => s.value().to_string(),
                    Some(Expression::StringTemplate(t)) => t.to_string(),
                    _ => String::new(),
                };
                cfg.modules.push(ModuleCall {
                    name,
                    source,
                    body: block.body,
                    file,
                    range,
                });
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_map_to_lines() {
        let f = SourceFile::new("a.tf".into(), "ab\ncd\n\nef".into());
        assert_eq!(f.line_of(0), 1);
        assert_eq!(f.line_of(2), 1);
        assert_eq!(f.line_of(3), 2);
        assert_eq!(f.line_of(7), 4);
        assert_eq!(f.span_of(&(3..9)).end_line, 4);
        assert_eq!(f.lines(2, 3).collect::<Vec<_>>(), vec!["cd", ""]);
        assert_eq!(f.lines(4, 9).collect::<Vec<_>>(), vec!["ef"]);
        assert_eq!(f.lines(1, 1).collect::<Vec<_>>(), vec!["ab"]);
    }

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
