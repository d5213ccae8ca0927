//! Cost per hour over the daily profile, three ways (see `analysis::cost`): static
//! replicas, scheduled to the ceiling hour by hour, and autoscaled within each
//! component's bounds. The same rules as the monthly figures, hour by hour: the mean
//! of each series times the hours of a month is the analysis's monthly figure.

use crate::analysis::cost::HOURS_PER_MONTH;
use crate::analysis::Analysis;
use crate::spec::Spec;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hour {
    pub static_usd: f64,
    pub scheduled_usd: f64,
    pub autoscaled_usd: f64,
}

pub fn hourly(spec: &Spec, a: &Analysis) -> Vec<Hour> {
    let flat = [1.0; 24];
    let profile: &[f64] = spec.workload.daily_profile.as_deref().unwrap_or(&flat);
    let mean = if profile.is_empty() {
        1.0
    } else {
        profile.iter().sum::<f64>() / profile.len() as f64
    };
    (0..profile.len())
        .map(|h| {
            let mut hour = Hour {
                static_usd: 0.0,
                scheduled_usd: 0.0,
                autoscaled_usd: 0.0,
            };
            for ((c, r), cost) in spec
                .components
                .iter()
                .zip(&a.components)
                .zip(&a.cost.components)
            {
                // Requests are charged at the month's mean rate in the monthly figures;
                // hour by hour they follow the profile (the same total).
                let per_million = c.cost_per_million_requests_usd.unwrap_or(0.0);
                let requests = per_million * r.arrival_rps * profile[h] * 3600.0 / 1e6;
                let requests_flat = per_million * r.arrival_rps * mean * 3600.0 / 1e6;
                let price = c.cost_per_replica_hour.unwrap_or(0.0);
                let nodes = |replicas: u32| {
                    let read = c
                        .replication
                        .as_ref()
                        .map_or(0, |r| r.read_replicas.unwrap_or(0));
                    f64::from(c.shards_or_default()) * f64::from(replicas + read)
                };
                let static_replicas = cost.static_monthly_usd / HOURS_PER_MONTH - requests_flat;
                match cost.scheduled_replicas.get(h) {
                    Some(&n) => {
                        let scheduled = nodes(n) * price;
                        let autoscaled = match c.autoscale {
                            Some(bounds) => {
                                nodes(n.clamp(bounds.min, bounds.max.max(bounds.min))) * price
                            }
                            None => static_replicas,
                        };
                        hour.static_usd += static_replicas + requests;
                        hour.scheduled_usd += scheduled + requests;
                        hour.autoscaled_usd += autoscaled + requests;
                    }
                    None => {
                        hour.static_usd += static_replicas + requests;
                        hour.scheduled_usd += static_replicas + requests;
                        hour.autoscaled_usd += static_replicas + requests;
                    }
                }
            }
            hour
        })
        .collect()
}
