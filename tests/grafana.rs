//! The Grafana dashboard (deploy/grafana) and the Prometheus alerting rules (deploy/prometheus)
//! ask only for metrics and labels rampart's exporter writes: checked against the metrics of a
//! real scan, so a renamed metric or label breaks this test rather than a team's dashboard.

mod common;

use common::*;
use regex::Regex;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Metric name → its label names, from the exposition text.
fn exported(text: &str) -> BTreeMap<String, BTreeSet<String>> {
    let sample = Regex::new(r"^([a-z_]+)(?:\{([^}]*)\})? ").unwrap();
    let label = Regex::new(r#"([a-z_]+)="#).unwrap();
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        if let Some(c) = sample.captures(line) {
            let labels = out.entry(c[1].to_string()).or_default();
            if let Some(l) = c.get(2) {
                labels.extend(label.captures_iter(l.as_str()).map(|m| m[1].to_string()));
            }
        }
    }
    out
}

/// Every PromQL expression of the dashboard's panels and of the alerting rules, with the labels
/// its legend shows.
fn expressions() -> Vec<(String, String)> {
    let dashboard: Value = serde_json::from_str(
        &std::fs::read_to_string(crate_dir().join("deploy/grafana/rampart-compliance.json"))
            .unwrap(),
    )
    .unwrap();
    let mut out = Vec::new();
    for panel in dashboard["panels"].as_array().unwrap() {
        for t in panel["targets"].as_array().unwrap() {
            out.push((
                t["expr"].as_str().unwrap().to_string(),
                t["legendFormat"].as_str().unwrap_or("").to_string(),
            ));
        }
    }
    let rules: Value = serde_yaml_ng::from_str(
        &std::fs::read_to_string(crate_dir().join("deploy/prometheus/rampart-alerts.yaml"))
            .unwrap(),
    )
    .unwrap();
    for group in rules["groups"].as_array().unwrap() {
        for rule in group["rules"].as_array().unwrap() {
            out.push((rule["expr"].as_str().unwrap().to_string(), String::new()));
        }
    }
    out
}

#[test]
fn dashboard_and_alerts_use_only_what_the_exporter_writes() {
    let out = tempfile::tempdir().unwrap();
    let prom = out.path().join("rampart.prom");
    let o = rampart(
        &[
            "scan",
            "examples/connectcentral",
            "--fail-on",
            "never",
            "--prometheus",
            prom.to_str().unwrap(),
        ],
        &crate_dir(),
    );
    assert!(o.status.success(), "{}", text(&o));
    let metrics = exported(&std::fs::read_to_string(&prom).unwrap());
    assert!(
        metrics.contains_key("rampart_framework_failures"),
        "{metrics:?}"
    );

    let metric = Regex::new(r"\b(rampart_[a-z_]+)(\{[^}]*\})?").unwrap();
    let matcher = Regex::new(r#"([a-z_]+)\s*(?:=|!=|=~|!~)\s*"([^"]*)""#).unwrap();
    let grouping = Regex::new(r"\b(?:by|without)\s*\(([^)]*)\)").unwrap();
    let legend = Regex::new(r"\{\{\s*([a-z_]+)\s*\}\}").unwrap();
    let values: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::from([
        (
            "status",
            BTreeSet::from(["pass", "fail", "error", "waived"]),
        ),
        (
            "severity",
            BTreeSet::from(["critical", "high", "medium", "low", "info"]),
        ),
    ]);
    let exprs = expressions();
    assert!(exprs.len() >= 10, "{exprs:?}");
    let mut wrong = Vec::new();
    for (expr, legend_format) in &exprs {
        let mut labels_in_expr: BTreeSet<String> = BTreeSet::new();
        for c in metric.captures_iter(expr) {
            let Some(known) = metrics.get(&c[1]) else {
                wrong.push(format!("{expr}: {} is not exported", &c[1]));
                continue;
            };
            labels_in_expr.extend(known.iter().cloned());
            for m in c
                .get(2)
                .map(|s| matcher.captures_iter(s.as_str()).collect::<Vec<_>>())
                .unwrap_or_default()
            {
                if !known.contains(&m[1]) {
                    wrong.push(format!("{expr}: {} has no label {}", &c[1], &m[1]));
                }
                if let Some(allowed) = values.get(&m[1]) {
                    if !allowed.contains(&m[2]) {
                        wrong.push(format!("{expr}: {}={:?} is never written", &m[1], &m[2]));
                    }
                }
            }
        }
        let mut grouped: BTreeSet<String> = BTreeSet::new();
        for g in grouping.captures_iter(expr) {
            for l in g[1].split(',').map(str::trim).filter(|l| !l.is_empty()) {
                if !labels_in_expr.contains(l) {
                    wrong.push(format!("{expr}: no metric in it has the label {l}"));
                }
                grouped.insert(l.to_string());
            }
        }
        for l in legend.captures_iter(legend_format) {
            if !grouped.contains(&l[1]) {
                wrong.push(format!(
                    "{expr}: the legend shows {} but the query drops it",
                    &l[1]
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}
