//! Reading one Terraform module directory into its blocks, keeping every file's text so that byte
//! offsets become line spans and inline suppression comments can be found.

use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, BlockLabel, Body, Structure};
use hcl_edit::Span as _;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::input::{read_text, rel_path};
use crate::model::{Diagnostic, DiagnosticLevel, Span};

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
}
