//! The figures of nodes that joined during a run and copied the chain (issue #18: how
//! long a new node takes to sync, and what serving it costs the others).

use super::summary::quantile;
use crate::node::RunOutput;
pub use crate::results::summary::JoinFigures;

pub fn join_figures(out: &RunOutput) -> JoinFigures {
    let joined: Vec<_> = out.joins.iter().filter(|j| j.joined.is_some()).collect();
    let mut sync_s: Vec<f64> = (joined.iter())
        .filter_map(|j| Some((j.synced? - j.joined?).secs()))
        .collect();
    sync_s.sort_by(f64::total_cmp);
    let downloaded: u64 = joined.iter().map(|j| j.bytes_in).sum();
    JoinFigures {
        joined_nodes: joined.len() as u32,
        synced_nodes: sync_s.len() as u32,
        sync_s_p50: quantile(&sync_s, 0.5),
        sync_s_p90: quantile(&sync_s, 0.9),
        sync_s_max: sync_s.last().copied(),
        ibd_downloaded_bytes_mean: (!joined.is_empty())
            .then(|| downloaded as f64 / joined.len() as f64),
        ibd_served_bytes_total: out.ibd_served.iter().sum(),
        ibd_served_bytes_max: out.ibd_served.iter().copied().max().unwrap_or(0),
    }
}
