//! The auditor report: one self-contained HTML file (inline CSS and SVG, no scripts, no external
//! fetches), readable without JavaScript and printable to PDF. The template is
//! `reports/templates/report.html`; minijinja escapes every value (HTML auto-escaping is on for
//! `.html` templates), so resource names and messages cannot inject markup.

use minijinja::Environment;
use std::io;

use super::{audit, Report, Writer};

const TEMPLATE: &str = include_str!("../../reports/templates/report.html");

pub struct HtmlWriter;

impl Writer for HtmlWriter {
    fn write(&self, report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
        let view = audit::build(report);
        let mut env = Environment::new();
        env.add_template("report.html", TEMPLATE)
            .map_err(io::Error::other)?;
        let tmpl = env.get_template("report.html").map_err(io::Error::other)?;
        tmpl.render_captured_to(minijinja::context! { r => view }, out)
            .map(|_| ())
            .map_err(io::Error::other)
    }
}
