//! The report's charts, drawn with plotters' SVG backend into strings the HTML report
//! inlines: utilisation per component at peak, latency against load per class, and the
//! cost over the day. No fonts are loaded (plotters estimates text extents), so the SVG
//! names a generic `sans-serif` family and renders the same anywhere.

use plotters::prelude::*;

use super::hourly::Hour;
use super::sweep::Sweep;
use super::ReportError;

const WIDTH: u32 = 760;
const PALETTE: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
    RGBColor(255, 127, 14),
    RGBColor(23, 190, 207),
];
const GREEN: RGBColor = RGBColor(76, 160, 90);
const AMBER: RGBColor = RGBColor(230, 160, 40);
const RED: RGBColor = RGBColor(200, 50, 50);
const GREY: RGBColor = RGBColor(110, 110, 110);

fn err<E: std::fmt::Display>(e: E) -> ReportError {
    ReportError::Chart(e.to_string())
}

/// The largest axis end a chart is drawn with. plotters' key-point search steps over
/// the range and never ends on an infinite one (and loses its step on a range near
/// f64's limit), so a figure past this is a spec's extreme number, not something worth
/// a plot: the chart is replaced by a note saying so.
pub const AXIS_LIMIT: f64 = 1e15;

/// `Some(note)` when an axis running to `max` cannot be drawn (not finite, or past
/// [`AXIS_LIMIT`]); the note is HTML the report puts where the chart would go.
fn refuse(title: &str, what: &str, max: f64) -> Option<String> {
    if max.is_finite() && max <= AXIS_LIMIT {
        return None;
    }
    let shown = if max.is_finite() {
        format!("{max:e}")
    } else {
        "unbounded".to_string()
    };
    Some(format!(
        "<p class=\"chart-note\">{title}: not drawn, the {what} axis would run to {shown} (past {AXIS_LIMIT:e}).</p>"
    ))
}

/// Horizontal bars of utilisation at peak, coloured against the ceiling, with the
/// ceiling as a line. A saturated component's bar runs off the right edge.
pub fn utilization(rows: &[(String, f64)], ceiling: f64) -> Result<String, ReportError> {
    let mut svg = String::new();
    let height = 80 + 26 * rows.len().max(1) as u32;
    let x_max = rows.iter().map(|r| r.1).fold(1.0f64, f64::max).min(2.0);
    if let Some(note) = refuse("Utilisation at peak", "utilisation", x_max) {
        return Ok(note);
    }
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let n = rows.len().max(1) as u32;
        let mut chart = ChartBuilder::on(&root)
            .caption("Utilisation at peak", ("sans-serif", 16))
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(130)
            .build_cartesian_2d(0.0..x_max, (0..n).into_segmented())
            .map_err(err)?;
        // Row i from the top is segment n - 1 - i.
        let label = |v: &SegmentValue<u32>| match v {
            SegmentValue::CenterOf(y) if *y < n => rows
                .get((n - 1 - y) as usize)
                .map(|r| r.0.clone())
                .unwrap_or_default(),
            _ => String::new(),
        };
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(WHITE)
            .y_labels(rows.len().max(1))
            .y_label_formatter(&label)
            .x_desc("utilisation (busy share of servers)")
            .x_label_formatter(&|x| format!("{x:.1}"))
            .draw()
            .map_err(err)?;
        chart
            .draw_series(rows.iter().enumerate().map(|(i, (_, u))| {
                let y = n - 1 - i as u32;
                let colour = if *u >= 1.0 || *u > ceiling {
                    RED
                } else if *u > 0.8 * ceiling {
                    AMBER
                } else {
                    GREEN
                };
                let mut bar = Rectangle::new(
                    [
                        (0.0, SegmentValue::Exact(y)),
                        (u.min(x_max), SegmentValue::Exact(y + 1)),
                    ],
                    colour.filled(),
                );
                bar.set_margin(4, 4, 0, 0);
                bar
            }))
            .map_err(err)?;
        chart
            .draw_series(LineSeries::new(
                [
                    (ceiling, SegmentValue::Exact(0)),
                    (ceiling, SegmentValue::Exact(n)),
                ],
                ShapeStyle::from(&RED).stroke_width(2),
            ))
            .map_err(err)?
            .label(format!("ceiling {ceiling}"))
            .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], RED.stroke_width(2)));
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(GREY)
            .position(SeriesLabelPosition::LowerRight)
            .draw()
            .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// p99 against the total request rate, a line per class, with its target (dashed
/// horizontal), its knee (a dot) and the peak (a vertical line).
pub fn latency(sweep: &Sweep) -> Result<String, ReportError> {
    let mut svg = String::new();
    let x_max = sweep
        .curves
        .iter()
        .flat_map(|c| c.points.iter().map(|p| p.0))
        .fold(sweep.peak_rps * 1.05, f64::max);
    let top_target = sweep
        .curves
        .iter()
        .filter_map(|c| c.target_ms)
        .fold(0.0f64, f64::max);
    let at_peak = sweep
        .curves
        .iter()
        .flat_map(|c| {
            c.points
                .iter()
                .filter(|p| p.0 <= sweep.peak_rps * 1.001)
                .map(|p| p.1)
        })
        .fold(0.0f64, f64::max);
    let y_max = (1.6 * top_target).max(2.0 * at_peak).max(1.0);
    if let Some(note) = refuse("p99 latency against load", "request rate", x_max)
        .or_else(|| refuse("p99 latency against load", "latency", y_max))
    {
        return Ok(note);
    }
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, 380)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption("p99 latency against load", ("sans-serif", 16))
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(56)
            .build_cartesian_2d(0.0..x_max, 0.0..y_max)
            .map_err(err)?;
        chart
            .configure_mesh()
            .light_line_style(RGBColor(245, 245, 245))
            .x_desc("total request rate (req/s)")
            .y_desc("p99 (ms)")
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| format!("{y:.0}"))
            .draw()
            .map_err(err)?;
        chart
            .draw_series(LineSeries::new(
                [(sweep.peak_rps, 0.0), (sweep.peak_rps, y_max)],
                GREY.stroke_width(1),
            ))
            .map_err(err)?
            .label("peak")
            .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], GREY.stroke_width(1)));
        for (i, c) in sweep.curves.iter().enumerate() {
            let colour = PALETTE[i % PALETTE.len()];
            let clipped: Vec<(f64, f64)> = c
                .points
                .iter()
                .copied()
                .take_while(|p| p.1 <= y_max)
                .collect();
            chart
                .draw_series(LineSeries::new(clipped, colour.stroke_width(2)))
                .map_err(err)?
                .label(c.class.clone())
                .legend(move |(x, y)| {
                    PathElement::new([(x, y), (x + 16, y)], colour.stroke_width(2))
                });
            if let Some(t) = c.target_ms {
                chart
                    .draw_series(DashedLineSeries::new(
                        [(0.0, t), (x_max, t)],
                        6,
                        4,
                        colour.stroke_width(1),
                    ))
                    .map_err(err)?;
            }
            if let Some(k) = c.knee.filter(|k| k.1 <= y_max) {
                chart
                    .draw_series(std::iter::once(Circle::new(k, 5, colour.filled())))
                    .map_err(err)?;
            }
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(GREY)
            .position(SeriesLabelPosition::UpperLeft)
            .draw()
            .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

type HourValue = fn(&Hour) -> f64;

/// Cost per hour over the day: static, scheduled and autoscaled, and the budget's
/// hourly share.
pub fn cost(hours: &[Hour], budget_per_hour: Option<f64>) -> Result<String, ReportError> {
    let mut svg = String::new();
    let y_max = hours
        .iter()
        .map(|h| h.static_usd.max(h.scheduled_usd).max(h.autoscaled_usd))
        .fold(budget_per_hour.unwrap_or(0.0), f64::max)
        * 1.15;
    // NaN compares false: it reaches the refusal below rather than becoming 1.
    let y_max = if y_max <= 0.0 { 1.0 } else { y_max };
    if let Some(note) = refuse("Cost per hour over the day", "cost", y_max) {
        return Ok(note);
    }
    let last = hours.len().saturating_sub(1).max(1) as f64;
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, 340)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption("Cost per hour over the day", ("sans-serif", 16))
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(64)
            .build_cartesian_2d(0.0..last, 0.0..y_max)
            .map_err(err)?;
        chart
            .configure_mesh()
            .light_line_style(RGBColor(245, 245, 245))
            .x_desc("hour of the day")
            .y_desc("USD per hour")
            .x_labels(13)
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| format!("{y:.0}"))
            .draw()
            .map_err(err)?;
        let series: [(&str, RGBColor, HourValue); 3] = [
            ("static", PALETTE[0], |h| h.static_usd),
            ("scheduled", PALETTE[2], |h| h.scheduled_usd),
            ("autoscaled", PALETTE[3], |h| h.autoscaled_usd),
        ];
        for (name, colour, f) in series {
            chart
                .draw_series(LineSeries::new(
                    hours.iter().enumerate().map(|(i, h)| (i as f64, f(h))),
                    colour.stroke_width(2),
                ))
                .map_err(err)?
                .label(name)
                .legend(move |(x, y)| {
                    PathElement::new([(x, y), (x + 16, y)], colour.stroke_width(2))
                });
        }
        if let Some(b) = budget_per_hour {
            chart
                .draw_series(LineSeries::new([(0.0, b), (last, b)], RED.stroke_width(2)))
                .map_err(err)?
                .label("budget (hourly share)")
                .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], RED.stroke_width(2)));
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(GREY)
            .position(SeriesLabelPosition::LowerRight)
            .draw()
            .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}
