//! The architecture diagram as SVG: components in columns by their depth from the
//! classes' entry points (the longest chain of calls that reaches them), calls as
//! arrows (sync solid, async dashed), each box coloured by its utilisation at peak
//! against the ceiling.

use std::fmt::Write;

use crate::analysis::Analysis;
use crate::spec::{CallMode, ComponentKind, Spec};

const BOX_W: f64 = 150.0;
const BOX_H: f64 = 46.0;
const COL_W: f64 = 200.0;
const ROW_H: f64 = 66.0;
const PAD: f64 = 20.0;

pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Each component's column: 0 for entries and anything nothing calls, else one more
/// than its deepest caller (a loop through a queue stops growing after n rounds).
fn depths(spec: &Spec) -> Vec<usize> {
    let n = spec.components.len();
    let index = |name: &str| spec.components.iter().position(|c| c.name == name);
    let edges: Vec<(usize, usize)> = spec
        .dependencies
        .iter()
        .filter_map(|d| Some((index(&d.from)?, index(&d.to)?)))
        .filter(|(a, b)| a != b)
        .collect();
    let entries: Vec<usize> = spec
        .workload
        .classes
        .iter()
        .filter_map(|k| index(&k.entry))
        .collect();
    let mut depth = vec![0usize; n];
    for _ in 0..n.min(64) {
        let mut changed = false;
        for &(a, b) in &edges {
            if entries.contains(&b) {
                continue;
            }
            if depth[b] < depth[a] + 1 && depth[a] + 1 < n.max(1) {
                depth[b] = depth[a] + 1;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    depth
}

fn fill(kind: ComponentKind, utilization: f64, ceiling: f64, pooled: bool) -> &'static str {
    if !pooled {
        return match kind {
            ComponentKind::Queue => "#e8e4f4",
            ComponentKind::External => "#eeeeee",
            _ => "#e6f0fa",
        };
    }
    if utilization >= 1.0 || utilization > ceiling {
        "#f6c9c9"
    } else if utilization > 0.8 * ceiling {
        "#fbe3b8"
    } else {
        "#d5ecd9"
    }
}

pub fn diagram(spec: &Spec, a: &Analysis, ceiling: f64) -> String {
    let depth = depths(spec);
    let columns = depth.iter().copied().max().unwrap_or(0) + 1;
    let index = |name: &str| spec.components.iter().position(|c| c.name == name);
    // Column by column, each component goes near the mean row of its callers (one
    // barycentre pass), which uncrosses most edges of a layered drawing.
    let mut rows_in = vec![0usize; columns];
    let mut pos = vec![(0usize, 0usize); spec.components.len()];
    for (col, count) in rows_in.iter_mut().enumerate() {
        let mut members: Vec<(f64, usize)> = (0..spec.components.len())
            .filter(|&i| depth[i] == col)
            .map(|i| {
                let callers: Vec<f64> = spec
                    .dependencies
                    .iter()
                    .filter(|d| d.to == spec.components[i].name)
                    .filter_map(|d| index(&d.from))
                    .filter(|&c| depth[c] < col)
                    .map(|c| pos[c].1 as f64)
                    .collect();
                let key = if callers.is_empty() {
                    i as f64
                } else {
                    callers.iter().sum::<f64>() / callers.len() as f64
                };
                (key, i)
            })
            .collect();
        members.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for (_, i) in members {
            pos[i] = (col, *count);
            *count += 1;
        }
    }
    let rows = rows_in.iter().copied().max().unwrap_or(1).max(1);
    let width = PAD * 2.0 + (columns as f64 - 1.0) * COL_W + BOX_W;
    let height = PAD * 2.0 + (rows as f64 - 1.0) * ROW_H + BOX_H + 24.0;
    let xy = |i: usize| {
        let (c, r) = pos[i];
        // Centre short columns vertically.
        let offset = (rows - rows_in[c]) as f64 * ROW_H / 2.0;
        (PAD + c as f64 * COL_W, PAD + offset + r as f64 * ROW_H)
    };
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="architecture diagram" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="sans-serif" font-size="12"><defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#555"/></marker></defs>"##
    );
    for d in &spec.dependencies {
        let (Some(a_i), Some(b_i)) = (index(&d.from), index(&d.to)) else {
            continue;
        };
        let (ax, ay) = xy(a_i);
        let (bx, by) = xy(b_i);
        let (x1, y1, x2, y2) = if bx > ax {
            (ax + BOX_W, ay + BOX_H / 2.0, bx, by + BOX_H / 2.0)
        } else {
            // Backwards or in one column: from the bottom to the top edge.
            (ax + BOX_W / 2.0, ay + BOX_H, bx + BOX_W / 2.0, by)
        };
        let dash = if d.mode_or_default() == CallMode::Async
            || spec.components[a_i].kind == ComponentKind::Queue
        {
            r#" stroke-dasharray="6 4""#
        } else {
            ""
        };
        let _ = write!(
            s,
            r##"<line x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}" stroke="#555" stroke-width="1.3"{dash} marker-end="url(#arrow)"/>"##
        );
        let calls = d.calls_or_default();
        if (calls - 1.0).abs() > 1e-9 {
            let _ = write!(
                s,
                r##"<text x="{:.1}" y="{:.1}" fill="#333" font-size="10">x{calls}</text>"##,
                x1 + (x2 - x1) * 0.75,
                y1 + (y2 - y1) * 0.75 - 4.0
            );
        }
    }
    for (i, c) in spec.components.iter().enumerate() {
        let (x, y) = xy(i);
        let r = &a.components[i];
        let pooled = r.servers > 0;
        let detail = if pooled {
            format!("{} · ρ {}", c.kind, crate::text::figure(r.utilization, 2))
        } else {
            c.kind.to_string()
        };
        let _ = write!(
            s,
            r##"<g><title>{title}</title><rect x="{x:.1}" y="{y:.1}" width="{BOX_W}" height="{BOX_H}" rx="6" fill="{}" stroke="#444"/><text x="{:.1}" y="{:.1}" text-anchor="middle" font-weight="bold">{}</text><text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#333" font-size="11">{}</text></g>"##,
            fill(c.kind, r.utilization, ceiling, pooled),
            x + BOX_W / 2.0,
            y + 19.0,
            escape(&c.name),
            x + BOX_W / 2.0,
            y + 36.0,
            escape(&detail),
            title = escape(&format!(
                "{}: {:.1} req/s{}",
                c.name,
                r.arrival_rps,
                if pooled {
                    format!(
                        ", utilisation {}",
                        crate::text::utilization(Some(r.utilization))
                    )
                } else {
                    String::new()
                }
            )),
        );
    }
    let _ = write!(
        s,
        r##"<text x="{PAD}" y="{:.1}" fill="#555" font-size="11">solid: sync call · dashed: async · green under 80 % of the ceiling, amber near it, red over it</text></svg>"##,
        height - 8.0
    );
    s
}
